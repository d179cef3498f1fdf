import type { EventSelector } from '../rules/index.js';
import type { ActionSpec, Step, WaitSpec, WorkflowRule } from './workflow-definition.js';

/**
 * One instruction of a compiled workflow. Steps nest (`if` → then/else, `wait_until` → on_timeout); the executor
 * runs a flat list with explicit jumps instead, so that a run's position is one number (`pc`) and a `goto`
 * anywhere is just a jump.
 */
export type Instruction =
  | { readonly op: 'wait'; readonly stepId: string; readonly wait: WaitSpec }
  | {
      readonly op: 'wait_until';
      readonly stepId: string;
      readonly rule?: WorkflowRule;
      readonly event?: EventSelector;
      readonly timeoutMs: number;
      /** Where the run goes when the timeout passes first (satisfied: `pc + 1`). */
      readonly onTimeout: number;
    }
  | { readonly op: 'branch'; readonly stepId: string; readonly rule: WorkflowRule; readonly then: number; readonly else: number }
  | { readonly op: 'jump'; readonly target: number; readonly stepId?: string }
  | { readonly op: 'action'; readonly stepId: string; readonly action: ActionSpec }
  | { readonly op: 'exit'; readonly stepId: string }
  | { readonly op: 'end' };

/** A compiled workflow: instructions, and each step id's instruction (what `goto` and migrations address). */
export interface Program {
  readonly instructions: readonly Instruction[];
  readonly pcOf: ReadonlyMap<string, number>;
  /** The JSON path of each `goto` step (for error messages). */
  readonly gotoPaths: ReadonlyMap<number, readonly (string | number)[]>;
}

type Mutable = { -readonly [K in keyof Instruction]?: unknown } & Record<string, unknown>;

/**
 * Compiles nested steps into a flat program ending in `end`. `goto` targets that do not exist compile to a jump
 * to `end` (the parser reports them; the compiler never fails).
 */
export function compileProgram(steps: readonly Step[]): Program {
  const out: Mutable[] = [];
  const pcOf = new Map<string, number>();
  const gotos: { index: number; target: string }[] = [];
  const gotoPaths = new Map<number, readonly (string | number)[]>();
  const emit = (list: readonly Step[], path: readonly (string | number)[]): void => {
    list.forEach((s, i) => {
      const here = [...path, i];
      pcOf.set(s.id, out.length);
      switch (s.kind) {
        case 'wait':
          out.push({ op: 'wait', stepId: s.id, wait: s.wait });
          return;
        case 'wait_until': {
          const at = out.length;
          const ins: Mutable = { op: 'wait_until', stepId: s.id, timeoutMs: s.timeoutMs, onTimeout: -1 };
          if (s.rule) ins.rule = s.rule;
          if (s.event) ins.event = s.event;
          out.push(ins);
          if (s.onTimeout.length === 0) {
            ins.onTimeout = at + 1;
            return;
          }
          // Satisfied → skip over the timeout branch; timed out → run it, then fall through.
          const skip: Mutable = { op: 'jump', target: -1 };
          out.push(skip);
          ins.onTimeout = out.length;
          emit(s.onTimeout, [...here, 'on_timeout']);
          skip.target = out.length;
          return;
        }
        case 'if': {
          const ins: Mutable = { op: 'branch', stepId: s.id, rule: s.rule, then: out.length + 1, else: -1 };
          out.push(ins);
          emit(s.then, [...here, 'then']);
          const skip: Mutable = { op: 'jump', target: -1 };
          out.push(skip);
          ins.else = out.length;
          emit(s.else, [...here, 'else']);
          skip.target = out.length;
          return;
        }
        case 'goto':
          gotos.push({ index: out.length, target: s.target });
          gotoPaths.set(out.length, [...here, 'goto']);
          out.push({ op: 'jump', stepId: s.id, target: -1 });
          return;
        case 'action':
          out.push({ op: 'action', stepId: s.id, action: s.action });
          return;
        case 'exit':
          out.push({ op: 'exit', stepId: s.id });
          return;
      }
    });
  };
  emit(steps, ['steps']);
  const end = out.length;
  out.push({ op: 'end' });
  for (const g of gotos) (out[g.index] as Mutable).target = pcOf.get(g.target) ?? end;
  return { instructions: out as unknown as Instruction[], pcOf, gotoPaths };
}

/** The instructions a run can go to next from `pc` without time passing (waits have none: they stop the run). */
export function successors(program: Program, pc: number): number[] {
  const ins = program.instructions[pc];
  if (!ins) return [];
  switch (ins.op) {
    case 'wait':
    case 'wait_until':
    case 'exit':
    case 'end':
      return [];
    case 'branch':
      return [ins.then, ins.else];
    case 'jump':
      return [ins.target];
    case 'action':
      return [pc + 1];
  }
}
