import type { Segment } from '../core/index.js';
import { safeParseRule } from '../rules/index.js';
import type { RetentionWarning } from './privacy-port.js';
import { retentionFindings } from './retention-findings.js';

/** The segments whose rules read further back than `days` of events (none when `days` is null). */
export function retentionWarnings(segments: readonly Segment[], days: number | null): RetentionWarning[] {
  if (days === null) return [];
  const out: RetentionWarning[] = [];
  for (const s of segments) {
    const parsed = safeParseRule(s.ruleText);
    if (!parsed.ok) continue;
    const findings = retentionFindings(parsed.value, days);
    if (findings.length > 0) out.push({ segment: s.name, findings });
  }
  return out;
}
