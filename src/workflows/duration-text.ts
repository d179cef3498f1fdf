const UNIT_MS: Readonly<Record<string, number>> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const PATTERN = /^(?:(\d+)\s*([smhdw])\s*)+$/;
const PART = /(\d+)\s*([smhdw])/g;

/** The longest duration a workflow accepts (10 years): beyond it a wait is a mistake, not a plan. */
export const MAX_DURATION_MS = 3650 * 86_400_000;

/**
 * Parses a duration as the rule language writes them (`90s`, `1h`, `3d`, `2w`), also compound (`1h30m`).
 * Returns milliseconds, or undefined when the text is not a positive duration within {@link MAX_DURATION_MS}.
 */
export function parseDurationText(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.trim();
  if (trimmed.length > 40 || !PATTERN.test(trimmed)) return undefined;
  let ms = 0;
  for (const m of trimmed.matchAll(PART)) ms += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? 0);
  return ms > 0 && ms <= MAX_DURATION_MS ? ms : undefined;
}

/** Parses `HH:MM` (24-hour) into minutes after midnight, or undefined. */
export function parseTimeOfDay(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(text.trim());
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}
