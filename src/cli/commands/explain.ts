/**
 * @module
 * `segflow explain SEGMENT PROFILE`: why a person is or is not in a segment right now. SEGMENT is a name
 * or an id (an unknown one gets the nearest name suggested). `segflow explain workflow:NAME PROFILE` explains a
 * person's runs of a workflow instead: each step's instant and outcome, and each branch's rule with its values
 * at that instant (the same document as `GET /api/workflows/{id}/runs?profile=…`). Prints the profile PROFILE resolves to (after
 * merges), then the rule's explanation tree with ✓ / ✗ per condition and its evidence (counts, matching events, deadlines), or the raw
 * document with `--json`. PROFILE is a userId, an anonymousId or `email:<address>`.
 */
import type { Command } from 'commander';
import { type ApiExplanation, addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';
import { withSegmentSuggestion } from '../segment-refs.js';
import { renderRuns, type ApiRun } from './workflows.js';

/** `workflow:<name>` as the first argument explains a person's runs of that workflow. */
const WORKFLOW_PREFIX = 'workflow:';

const LABEL_KEYS = ['text', 'label', 'description', 'condition', 'summary'] as const;
const VALUE_KEYS = ['value', 'holds', 'result', 'satisfied'] as const;
const CHILD_KEYS = ['children', 'conditions', 'operands'] as const;
const SKIP = new Set<string>([...LABEL_KEYS, ...VALUE_KEYS, ...CHILD_KEYS, 'kind', 'span']);

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

const iso = (ms: unknown): string => (typeof ms === 'number' ? new Date(ms).toISOString() : 'the beginning');
const TIME_KEY = /(^at$|At$|time|Time|deadline|Deadline|since|Since|nextChange|^after$|^upTo$|^from$|^to$)/;
/** At most this many list items (events, sequence steps) are printed per evidence field. */
const SHOWN = 5;

function isEventList(x: unknown): x is { total: number; events: unknown[] } {
  return isObject(x) && typeof x.total === 'number' && Array.isArray(x.events);
}

function eventText(e: unknown): string {
  return isObject(e) ? `${String(e.name)} at ${iso(e.time)} (${String(e.id)})` : String(e);
}

/** Epoch-ms numbers under time-like keys read better as ISO instants; float noise is rounded away. */
function formatValue(key: string, value: unknown): string {
  if (isObject(value) && 'upTo' in value && 'after' in value) return `(${iso(value.after)}, ${iso(value.upTo)}]`;
  if (isEventList(value)) return `${value.total} event(s)`;
  if (isObject(value) && 'name' in value && 'time' in value && 'id' in value) return eventText(value);
  if (typeof value === 'number' && TIME_KEY.test(key) && value > 1e11) return new Date(value).toISOString();
  if (typeof value === 'number' && !Number.isInteger(value)) return String(Number.parseFloat(value.toPrecision(12)));
  if (Array.isArray(value)) return `[${value.map((v) => formatValue(key, v)).join(', ')}]`;
  if (isObject(value)) return Object.entries(value).map(([k, v]) => `${k} ${formatValue(k, v)}`).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** One evidence field as lines: lists of events or steps get one line each (the latest few). */
function evidenceLines(key: string, value: unknown, indent: string): string[] {
  if (isEventList(value)) {
    const events = value.events.slice(-SHOWN);
    const hidden = value.total - events.length;
    return [
      `${indent}${key}: ${value.total} event(s)${events.length > 0 ? (hidden > 0 ? `, the latest ${events.length}:` : ':') : ''}`,
      ...events.map((e) => `${indent}  - ${eventText(e)}`),
    ];
  }
  if (Array.isArray(value) && value.some(isObject)) {
    const items = value.slice(-SHOWN);
    return [
      `${indent}${key}: ${value.length}${value.length > items.length ? `, the latest ${items.length}:` : value.length > 0 ? ':' : ''}`,
      ...items.map((item) => `${indent}  - ${formatValue(key, item)}`),
    ];
  }
  return [`${indent}${key}: ${formatValue(key, value)}`];
}

/**
 * Renders an explanation tree as indented lines: the node's text with ✓ (holds) or ✗ (does not), then its
 * evidence as `key: value` lines, then its children. Tolerant of the tree's exact field names so that new
 * evidence kinds show up without a change here.
 */
export function renderExplanationTree(node: unknown, indent = ''): string[] {
  if (!isObject(node)) return [`${indent}${formatValue('', node)}`];
  const labelKey = LABEL_KEYS.find((k) => typeof node[k] === 'string');
  const valueKey = VALUE_KEYS.find((k) => typeof node[k] === 'boolean');
  const childKey = CHILD_KEYS.find((k) => Array.isArray(node[k]));
  const mark = valueKey === undefined ? '•' : node[valueKey] ? '✓' : '✗';
  const label = labelKey ? String(node[labelKey]) : typeof node.kind === 'string' ? node.kind : 'condition';
  const lines = [`${indent}${mark} ${label}`];
  const evidence = isObject(node.evidence) ? node.evidence : Object.fromEntries(Object.entries(node).filter(([k]) => !SKIP.has(k)));
  for (const [k, v] of Object.entries(evidence)) {
    if (k === 'evidence' || k === 'kind' || v === undefined || v === null) continue;
    lines.push(...evidenceLines(k, v, `${indent}    `));
  }
  if (typeof node.nextChange === 'number') lines.push(`${indent}    can next change at: ${iso(node.nextChange)}`);
  if (childKey) for (const child of node[childKey] as unknown[]) lines.push(...renderExplanationTree(child, `${indent}  `));
  return lines;
}

/**
 * Which profile the reference resolved to. An identifier points at the profile that holds it now (after
 * merges); a profile id that was merged away resolves to the profile it was merged into, which the answer is about.
 */
export function resolvedProfileLine(profile: string, profileId: string): string | undefined {
  if (profile === profileId) return undefined;
  if (PROFILE_ID.test(profile)) return `  ${profile} was merged into profile ${profileId}; this is about ${profileId}`;
  return `  ${profile} resolves to profile ${profileId}`;
}

/** segflow's profile ids (`prof_` and base64url), as opposed to userIds and anonymousIds. */
const PROFILE_ID = /^prof_[A-Za-z0-9_-]+$/;

/** The whole text answer: a verdict line, the profile the reference resolved to, then the tree. */
export function renderExplanation(segment: string, profile: string, e: ApiExplanation): string {
  const verdict = e.member ? `${profile} IS in "${segment}"` : `${profile} is NOT in "${segment}"`;
  const lines = [`${verdict} (as of ${e.at})`];
  const resolved = resolvedProfileLine(profile, e.profileId);
  if (resolved !== undefined) lines.push(resolved);
  if (e.excludedBy) lines.push(`  the rule holds, but the exclusive group gives this person to "${e.excludedBy}"`);
  lines.push('', ...renderExplanationTree(e.explanation, '  '));
  return lines.join('\n');
}

/** Registers `segflow explain SEGMENT PROFILE`. */
export function register(program: Command): void {
  addAdminOptions(
    program
      .command('explain')
      .description('show why a person is or is not in a segment, condition by condition')
      .argument('<segment>', 'segment name or id, or workflow:<name> for a person\'s runs of a workflow')
      .argument('<profile>', 'userId, anonymousId or email:<address>'),
  ).action(async (segment: string, profile: string, options: { url?: string; key?: string; json?: boolean }) => {
    const client = clientFromOptions(options);
    if (segment.startsWith(WORKFLOW_PREFIX)) {
      const workflow = segment.slice(WORKFLOW_PREFIX.length);
      const runs = await client.request<{ runs: ApiRun[] }>('GET', `/api/workflows/${encodeURIComponent(workflow)}/runs?profile=${encodeURIComponent(profile)}`);
      if (!runs.ok) {
        process.stderr.write(`segflow explain: ${describeProblem(runs.problem)}\n`);
        process.exitCode = runs.problem.status >= 500 || runs.problem.status === 404 ? 1 : 2;
        return;
      }
      process.stdout.write(options.json ? `${JSON.stringify(runs.value, null, 2)}\n` : `${workflow} for ${profile}:\n${renderRuns(runs.value.runs)}\n`);
      return;
    }
    const res = await client.explain(segment, profile);
    if (!res.ok) {
      const problem =
        res.problem.code === 'PROFILE_NOT_FOUND'
          ? { ...res.problem, detail: `no profile is known as "${profile}" (give a userId, an anonymousId, email:<address> or a profile id)` }
          : await withSegmentSuggestion(client, res.problem, segment);
      process.stderr.write(`segflow explain: ${describeProblem(problem)}\n`);
      process.exitCode = res.problem.status === 404 ? 1 : res.problem.status >= 500 ? 1 : 2;
      return;
    }
    process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${renderExplanation(segment, profile, res.value)}\n`);
  });
}
