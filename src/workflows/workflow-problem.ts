/** Stable codes of workflow definition problems (documented in docs/workflows.md). Rule problems keep their RULE codes. */
export const WORKFLOW_PROBLEMS = {
  WF001: 'Expected {0}.',
  WF002: 'Unknown field {0}; {1}',
  WF003: 'Missing required field {0}.',
  WF004: 'Invalid duration {0}; write a whole number and a unit s, m, h, d or w (e.g. 30m, 3d, 1h30m).',
  WF005: 'Unknown segment {0}.',
  WF006: 'Unknown destination {0}.',
  WF007: 'Duplicate step id {0} (first used at {1}).',
  WF008: 'goto refers to unknown step {0}.',
  WF009: 'This loop back to {0} contains no wait; every loop must wait (wait or wait_until) before repeating.',
  WF010: 'A step needs exactly one kind; found {0}.',
  /** Retired: list steps are supported since ESP list destinations exist; kept so that codes stay stable. */
  WF011: '{0} is not available.',
  WF012: 'Invalid time of day {0}; write HH:MM in 24-hour time (e.g. 09:00).',
  WF013: 'Unknown time zone {0}; use an IANA name such as Europe/Paris.',
  WF014: 'Invalid re_entry {0}; use never, always or "after <duration>".',
  WF015: 'wait_until needs exactly one of rule or event.',
  WF016: 'Invalid key {0}; write properties.<path> (e.g. properties.cart_id).',
  WF017: 'The workflow file is not valid YAML: {0}',
  WF018: 'Step id {0} must be 1–64 letters, digits, "_" or "-".',
  WF019: 'Invalid value: {0}',
} as const;

/** A stable workflow problem code such as `WF005`. */
export type WorkflowProblemCode = keyof typeof WORKFLOW_PROBLEMS;

/**
 * One problem with a workflow definition: a stable code (`WF…` for the definition, `RULE…` for a rule inside
 * it), the JSON path of the offending field (`steps[2].if`), a message, and for files the 1-based line and column.
 */
export interface WorkflowProblem {
  readonly code: string;
  readonly severity: 'error' | 'warning';
  readonly path: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
  /** For a problem inside a rule given without a source file (API): its position inside the rule text. */
  readonly ruleLine?: number;
  readonly ruleColumn?: number;
}

/** Builds a workflow problem from the catalogue. */
export function workflowProblem(code: WorkflowProblemCode, path: string, args: readonly string[] = []): WorkflowProblem {
  const message = WORKFLOW_PROBLEMS[code].replace(/\{(\d)\}/g, (_, i: string) => args[Number(i)] ?? '');
  return { code, severity: 'error', path, message };
}

/** `path: message` or `file:line:col CODE message`, for terminals. */
export function formatWorkflowProblem(p: WorkflowProblem, file?: string): string {
  const where = file === undefined ? p.path : p.line === undefined ? `${file} (${p.path})` : `${file}:${p.line}:${p.column ?? 1}`;
  return `${where} ${p.severity === 'warning' ? 'warning ' : ''}${p.code} ${p.message}`;
}
