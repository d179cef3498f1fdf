import { isScalar, LineCounter, parseDocument, type Node } from 'yaml';
import type { Span } from '../rules/index.js';
import type { Locate, PathSegment, WorkflowContext, WorkflowParseResult } from './parse-workflow.js';
import { parseWorkflow } from './parse-workflow.js';
import { workflowProblem } from './workflow-problem.js';

/** The largest workflow file read (256 KiB). */
export const MAX_WORKFLOW_FILE = 262_144;

/**
 * Parses a `*.workflow.yaml` file: YAML (via the `yaml` library, which keeps every node's source range) into
 * plain data, then {@link parseWorkflow}. Every problem carries the line and column of the offending node; a
 * problem inside a rule string points at the exact character of the rule (for plain and quoted one-line
 * scalars; block scalars point at the rule's line).
 */
export function parseWorkflowYaml(text: string, context: WorkflowContext = {}): WorkflowParseResult & { readonly source: unknown } {
  if (text.length > MAX_WORKFLOW_FILE) {
    return { ok: false, problems: [workflowProblem('WF019', '', [`the file is larger than ${MAX_WORKFLOW_FILE} bytes`])], source: undefined };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      source: undefined,
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
  return { ...parseWorkflow(data, context, locate), source: data };
}
