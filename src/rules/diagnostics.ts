import type { Span } from './ast/index.js';

/** How serious a diagnostic is: errors make a rule unusable, warnings flag a risk. */
export type Severity = 'error' | 'warning';

/** One entry of the catalogue: the default severity, a short title and a message template with `{0}` holes. */
export interface DiagnosticDefinition {
  readonly severity: Severity;
  readonly title: string;
  readonly message: string;
}

/**
 * The one catalogue of stable diagnostic codes (mirrored in docs/errors.md, a test keeps them in sync).
 * RULE1xxx: syntax (text and JSON form). RULE2xxx: checker (types, references, catalogue). RULE3xxx: linter.
 * Codes are never reused or renumbered; a retired code stays here marked as such.
 */
export const DIAGNOSTICS = {
  RULE1001: { severity: 'error', title: 'Unexpected character', message: 'Unexpected character {0}; remove it.' },
  RULE1002: {
    severity: 'error',
    title: 'Unterminated string',
    message: 'This string is not closed; add a closing " on the same line.',
  },
  RULE1003: {
    severity: 'error',
    title: 'Invalid escape',
    message: 'Invalid escape {0} in a string; use \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX.',
  },
  RULE1004: {
    severity: 'error',
    title: 'Unknown duration unit',
    message: 'Unknown duration unit in {0}; use s, m, h, d or w (e.g. 48h).',
  },
  RULE1005: { severity: 'error', title: 'Invalid number', message: 'Invalid number {0}; write a decimal such as 25 or 0.7.' },
  RULE1006: {
    severity: 'error',
    title: 'Invalid date',
    message: 'Invalid date {0}; write YYYY-MM-DD or an ISO 8601 instant such as 2024-01-31T12:00:00Z.',
  },
  RULE1007: { severity: 'error', title: 'Unexpected token', message: 'Expected {0} but found {1}.' },
  RULE1008: { severity: 'error', title: 'Missing closing parenthesis', message: 'Missing ")" to close the "(" at {0}; found {1}.' },
  RULE1009: { severity: 'error', title: 'Missing closing bracket', message: 'Missing "]" to close the list at {0}; found {1}.' },
  RULE1010: { severity: 'error', title: 'Unknown word', message: 'Unknown word {0}; {1}' },
  RULE1011: { severity: 'error', title: 'Expected a condition', message: 'Expected a condition {0} but found {1}.' },
  RULE1012: {
    severity: 'error',
    title: 'Expected a duration',
    message: 'Expected a duration after {0}, such as 7d, 48h or 30m.',
  },
  RULE1013: {
    severity: 'error',
    title: 'Missing comparison',
    message: '{0} is a number; compare it, e.g. {0} >= 1.',
  },
  RULE1014: {
    severity: 'error',
    title: 'Unexpected text after the rule',
    message: 'Unexpected {0} after a complete condition; join conditions with "and" or "or".',
  },
  RULE1015: {
    severity: 'error',
    title: 'Rule too large',
    message: 'The rule is {0} characters long; the limit is {1}. Split it into segments combined with in_segment(...).',
  },
  RULE1016: {
    severity: 'error',
    title: 'Nesting too deep',
    message: 'Conditions are nested more than {0} levels deep; flatten them or split the rule with in_segment(...).',
  },
  RULE1017: {
    severity: 'error',
    title: 'Keyword in wrong case',
    message: 'Keywords are lowercase: write {0} instead of {1}.',
  },
  RULE1018: { severity: 'error', title: 'Duplicate option', message: 'The option {0} is given twice; keep one.' },
  RULE1019: { severity: 'error', title: 'Option not allowed here', message: '{0} is not allowed in {1}; {2}' },
  RULE1020: {
    severity: 'error',
    title: 'Invalid duration amount',
    message: 'A duration must be a whole number of units greater than zero, not {0}.',
  },
  RULE1021: {
    severity: 'error',
    title: 'Expected an event name',
    message: 'Expected an event name in double quotes, such as "Order Completed", but found {0}.',
  },
  RULE1022: {
    severity: 'error',
    title: 'Expected a property',
    message: 'Expected a property name such as product_id or product.id but found {0}.',
  },
  RULE1023: {
    severity: 'error',
    title: 'Expected a value',
    message: 'Expected a value (a "string", a number, true, false or a date) but found {0}.',
  },
  RULE1024: { severity: 'error', title: 'Empty rule', message: 'The rule is empty; write a condition such as subscribed.' },
  RULE1025: {
    severity: 'error',
    title: 'Control character in string',
    message: 'Strings cannot contain raw control characters such as line breaks; write \\n or \\t instead.',
  },
  RULE1026: {
    severity: 'error',
    title: 'Unterminated quoted name',
    message: 'This `quoted name` is not closed; add a closing ` on the same line.',
  },
  RULE1027: {
    severity: 'error',
    title: 'Event name alone',
    message: 'An event name alone is not a condition; write performed({0}, within 30d) or a sequence {0} then "…" within 3d.',
  },
  RULE1028: {
    severity: 'error',
    title: 'Comment inside a rule',
    message: 'The formatter keeps only comments above or below a rule, and this one is inside it; move it above the rule.',
  },
  RULE1101: {
    severity: 'error',
    title: 'Invalid JSON rule',
    message: 'Invalid rule JSON at {0}: {1}',
  },
  RULE1102: {
    severity: 'error',
    title: 'Unsupported JSON version',
    message: 'Unsupported rule JSON version {0}; this version of segflow reads version {1}.',
  },
  RULE1103: { severity: 'error', title: 'Unknown kind in JSON', message: 'Unknown kind {1} at {0}; expected one of {2}.' },
  RULE1104: { severity: 'error', title: 'Unknown field in JSON', message: 'Unknown field {1} at {0}; remove it.' },
  RULE2001: {
    severity: 'error',
    title: 'Type mismatch',
    message: '{0} is a {1} but is compared with a {2}; compare it with a {1}.',
  },
  RULE2002: {
    severity: 'error',
    title: 'String test on a non-string',
    message: '{0} on {1}, which is a {2}; contains and starts_with need a string.',
  },
  RULE2003: {
    severity: 'error',
    title: 'Aggregate of a non-number',
    message: '{0} of {1}, which is a {2}; sum, avg, min and max need a number.',
  },
  RULE2004: {
    severity: 'error',
    title: 'Percentage outside rate',
    message: 'The percentage {0} is only meaningful for rate(...); write it as a plain number ({1}).',
  },
  RULE2005: { severity: 'error', title: 'Unknown segment', message: 'Unknown segment {0}.{1}' },
  RULE2006: {
    severity: 'error',
    title: 'Cyclic segment reference',
    message: 'Segment references form a cycle: {0}. A segment cannot depend on itself.',
  },
  RULE2007: {
    severity: 'error',
    title: 'Window longer than retention',
    message: 'The window {0} reaches further back than the {1} of history kept; shorten it to at most {1}.',
  },
  RULE2008: {
    severity: 'error',
    title: 'Reversed between window',
    message: 'In between {0} ago and {1} ago the first edge must be the older one; write between {1} ago and {0} ago.',
  },
  RULE2009: { severity: 'warning', title: 'Unknown event', message: 'Unknown event {0}; no such event has been seen.{1}' },
  RULE2010: {
    severity: 'warning',
    title: 'Unknown property',
    message: 'Unknown property {0} on {1}; it has never been seen.{2}',
  },
  RULE2011: { severity: 'warning', title: 'Unknown trait', message: 'Unknown trait {0}; it has never been seen.{1}' },
  RULE2020: { severity: 'error', title: 'Invalid experiment split', message: 'In in_experiment_arm(…), {0}.' },
  RULE3001: {
    severity: 'warning',
    title: 'Trigger without a time window',
    message: '{0} has no time window, so it stays true forever once it happens; add one such as within 30d.',
  },
  RULE3002: {
    severity: 'warning',
    title: 'Contradiction',
    message: 'These conditions can never all hold: {0}. The segment will always be empty.',
  },
  RULE3003: {
    severity: 'warning',
    title: 'Tautology',
    message: 'This condition always holds: {0}. Remove it.',
  },
  RULE3004: {
    severity: 'warning',
    title: 'Rate without minimum denominator',
    message: 'rate(...) has no minimum denominator, so one event decides it (1 of 1 is 100%); add min 5.',
  },
  RULE3005: {
    severity: 'warning',
    title: 'Negation matches new profiles',
    message: '{0} also matches profiles created moments ago; add first_seen before {1} ago if you mean people who had the chance.',
  },
  RULE3006: {
    severity: 'warning',
    title: 'Redundant overlapping window',
    message: '{0} is implied by {1}; remove the redundant one.',
  },
  RULE3007: {
    severity: 'warning',
    title: 'Equal priority in an exclusive group',
    message: 'Segments {0} share priority {1} in exclusive group {2}; on a tie the name first in alphabetical order ({3}) wins. Give each a different priority.',
  },
  RULE3008: {
    severity: 'warning',
    title: 'Reads past the event retention',
    message: 'This rule reads further back than the workspace keeps events: {0}. Once older events are deleted it sees only what is kept.',
  },
} as const satisfies Readonly<Record<string, DiagnosticDefinition>>;

/** A stable diagnostic code such as `RULE1003`. */
export type DiagnosticCode = keyof typeof DIAGNOSTICS;

/** A suggested rewrite: replace the text at `span` (or the whole condition when absent) with `replacement`. */
export interface DiagnosticFix {
  readonly description: string;
  readonly replacement: string;
}

/** A finding about a rule: a stable code, severity, a message that says what to do, where, and an optional hint. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly message: string;
  /** Where in the rule text. Absent for rules that came from JSON (see `path`) or were built in code. */
  readonly span?: Span;
  /** For JSON input: where in the document, e.g. `condition.conditions[1].event`. */
  readonly path?: string;
  readonly hint?: string;
  readonly fix?: DiagnosticFix;
}

/** Fills a message template's `{0}`, `{1}`, … holes. */
export function formatMessage(template: string, args: readonly string[]): string {
  return template.replace(/\{(\d)\}/g, (_, i: string) => args[Number(i)] ?? '');
}

/** Extra fields of a diagnostic beyond its code and message arguments. */
export interface DiagnosticExtras {
  readonly span?: Span | undefined;
  readonly path?: string | undefined;
  readonly hint?: string | undefined;
  readonly fix?: DiagnosticFix | undefined;
}

/** Builds a diagnostic from the catalogue: the code's default severity and message, filled with `args`. */
export function diagnostic(code: DiagnosticCode, args: readonly string[] = [], extras: DiagnosticExtras = {}): Diagnostic {
  const def: DiagnosticDefinition = DIAGNOSTICS[code];
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = {
    code,
    severity: def.severity,
    message: formatMessage(def.message, args),
  };
  if (extras.span) out.span = extras.span;
  if (extras.path !== undefined) out.path = extras.path;
  if (extras.hint !== undefined) out.hint = extras.hint;
  if (extras.fix) out.fix = extras.fix;
  return out;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
