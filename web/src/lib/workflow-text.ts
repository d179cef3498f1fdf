/**
 * Words for workflows: what a step does, what a path outcome or an exit cause means, and the steps of a
 * definition in order (for counts that follow the flow).
 */
import type { WorkflowSource, WorkflowStepSource } from './types.js';

/** A path outcome in a marketer's words. */
export const OUTCOME_LABEL: Readonly<Record<string, string>> = {
  entered: 'entered',
  waiting: 'started waiting',
  waited: 'waited',
  satisfied: 'condition met',
  timed_out: 'timed out',
  then: 'then',
  else: 'else',
  goto: 'jumped',
  action: 'performed',
  held: 'held by quiet hours',
  capped: 'skipped by the frequency cap',
  exited: 'exited',
  completed: 'completed',
};

/** An exit cause in a marketer's words. */
export const EXIT_LABEL: Readonly<Record<string, string>> = {
  completed: 'Completed the last step',
  goal: 'Reached the goal',
  exit_when: 'Exit condition held',
  exit_step: 'Exit step',
  archived: 'Workflow archived',
  loop_guard: 'Stopped by the loop guard',
};

function listTarget(x: string | { destination: string; list?: string }): string {
  return typeof x === 'string' ? `"${x}"` : `"${x.destination}"${x.list ? ` list ${x.list}` : ''}`;
}

/** What a step does, in one line. */
export function describeStep(s: WorkflowStepSource): { kind: string; text: string } {
  if (s.wait !== undefined) return { kind: 'wait', text: typeof s.wait === 'string' ? `Wait ${s.wait}` : `Wait until ${s.wait.until} in the person's time zone` };
  if (s.wait_until !== undefined) {
    const w = s.wait_until;
    return w.event !== undefined
      ? { kind: 'wait_until', text: `Wait for "${w.event}"${w.where ? ` where ${w.where}` : ''}, at most ${w.timeout}` }
      : { kind: 'wait_until', text: `Wait until ${w.rule ?? ''}, at most ${w.timeout}` };
  }
  if (s.if !== undefined) return { kind: 'if', text: `If ${s.if}` };
  if (s.goto !== undefined) return { kind: 'goto', text: `Go to ${s.goto}` };
  if (s.webhook !== undefined) return { kind: 'webhook', text: `Webhook to "${s.webhook}"` };
  if (s.set_trait !== undefined) {
    return { kind: 'set_trait', text: `Set ${Object.entries(s.set_trait).map(([k, v]) => `${k} = ${JSON.stringify(v)}`).join(', ')}` };
  }
  if (s.add_to_list !== undefined) return { kind: 'add_to_list', text: `Add to list ${listTarget(s.add_to_list)}` };
  if (s.remove_from_list !== undefined) return { kind: 'remove_from_list', text: `Remove from list ${listTarget(s.remove_from_list)}` };
  if (s.exit !== undefined) return { kind: 'exit', text: 'Exit' };
  return { kind: 'unknown', text: 'Unknown step' };
}

/** How people enter, in one line. */
export function describeTrigger(d: WorkflowSource): string {
  const t = d.trigger ?? {};
  if (t.entered !== undefined) return `Enters segment "${t.entered}"`;
  if (t.exited !== undefined) return `Leaves segment "${t.exited}"`;
  if (t.event !== undefined) return `Performs "${t.event}"${t.where ? ` where ${t.where}` : ''}${t.key ? `, one run per ${t.key}` : ''}`;
  return '—';
}

/** Every step id in flow order, nested branches included. */
export function stepIds(steps: readonly WorkflowStepSource[] = []): string[] {
  return steps.flatMap((s) => [s.id, ...stepIds(s.then), ...stepIds(s.else), ...stepIds(s.on_timeout)]);
}
