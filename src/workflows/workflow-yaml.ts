import { isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { Span } from '../rules/index.js';
import type { Locate, PathSegment, WorkflowContext, WorkflowParseResult } from './parse-workflow.js';
import { parseWorkflow } from './parse-workflow.js';
import { workflowProblem, type WorkflowProblem } from './workflow-problem.js';

/** The largest workflow file read (256 KiB). */
export const MAX_WORKFLOW_FILE = 262_144;

/**
 * Parses a `*.workflow.yaml` file: YAML (via the `yaml` library, which keeps every node's source range) into
 * plain data, then {@link parseWorkflow}. Every problem carries the line and column of the offending node; a
 * problem inside a rule string points at the exact character of the rule (for plain and quoted one-line
 * scalars; block scalars point at the rule's line).
 */
export function parseWorkflowYaml(text: string, context: WorkflowContext = {}): WorkflowParseResult & { readonly source: unknown } {
  const loaded = loadWorkflowYaml(text);
  if (!loaded.ok) return { ok: false, problems: loaded.problems, source: undefined };
  return { ...parseWorkflow(loaded.data, context, loaded.locate), source: loaded.data };
}

/** A `*.workflow.yaml` file read as data, with a way to find any JSON path (and a span in a rule) in the text. */
export type LoadedYaml =
  | { readonly ok: true; readonly data: unknown; readonly locate: Locate }
  | { readonly ok: false; readonly problems: readonly WorkflowProblem[] };

/**
 * Reads YAML into plain data without validating it as a workflow, keeping the source positions: the CLI sends the
 * data to the server and maps the problems it answers (JSON paths) back to lines and columns with `locate`.
 */
export function loadWorkflowYaml(text: string): LoadedYaml {
  if (text.length > MAX_WORKFLOW_FILE) {
    return { ok: false, problems: [workflowProblem('WF019', '', [`the file is larger than ${MAX_WORKFLOW_FILE} bytes`])] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { ...workflowProblem('WF017', '', [e.message.split('\n')[0] ?? e.code]), line: pos.line, column: pos.col };
      }),
    };
  }
  const data: unknown = doc.toJS({ maxAliasCount: 0 });
  const locate: Locate = (path: readonly PathSegment[], span?: Span) => {
    let node: unknown;
    // Walk up until a node exists: a missing field is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
      if (node && typeof node === 'object' && 'range' in node) break;
    }
    const range = (node as Node | undefined)?.range;
    if (!range) return undefined;
    const pos = lines.linePos(range[0]);
    if (!span || !isScalar(node)) return { line: pos.line, column: pos.col };
    const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
    const block = node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED';
    if (block) return { line: pos.line + span.line, column: span.column };
    if (span.line > 1) return { line: pos.line + span.line - 1, column: span.column };
    return { line: pos.line, column: pos.col + (quoted ? 1 : 0) + span.column - 1 };
  };
  return { ok: true, data, locate };
}

/** Reads a JSON path as {@link pathText} prints it (`steps[2].then[0].if`) back into segments. */
export function parsePathText(text: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of text.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : (m[1] ?? ''));
  return out;
}
