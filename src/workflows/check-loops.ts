import { compileProgram, successors } from './compile-program.js';
import type { Step } from './workflow-definition.js';

/** A `goto` that closes a loop with no wait in it: its JSON path and the step it jumps to. */
export interface WaitlessLoop {
  readonly path: readonly (string | number)[];
  readonly target: string;
}

/**
 * Finds every `goto` from which the run can come back to the same `goto` without passing a wait: such a loop
 * would spin without time passing (unbounded work, unbounded actions). Waits end every path in the graph, so a
 * loop through a wait is not a cycle here.
 */
export function checkLoops(steps: readonly Step[]): WaitlessLoop[] {
  const program = compileProgram(steps);
  const out: WaitlessLoop[] = [];
  program.instructions.forEach((ins, pc) => {
    if (ins.op !== 'jump' || ins.stepId === undefined) return;
    const seen = new Set<number>();
    const stack = [ins.target];
    while (stack.length > 0) {
      const at = stack.pop() as number;
      if (at === pc) {
        const target = [...program.pcOf].find(([, p]) => p === ins.target)?.[0] ?? '?';
        out.push({ path: program.gotoPaths.get(pc) ?? [], target });
        return;
      }
      if (seen.has(at)) continue;
      seen.add(at);
      stack.push(...successors(program, at));
    }
  });
  return out;
}
