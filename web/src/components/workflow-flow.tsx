import { fmtNumber } from '../lib/format.js';
import type { WorkflowStepSource, WorkflowVersionStats } from '../lib/types.js';
import { describeStep, OUTCOME_LABEL } from '../lib/workflow-text.js';

type Counts = NonNullable<WorkflowVersionStats['steps']>[string];

function Branch({ title, count, steps, stats }: { title: string; count: number | undefined; steps: readonly WorkflowStepSource[]; stats: WorkflowVersionStats | undefined }) {
  return (
    <div class="branch">
      <div class="branch-head">
        {title}
        {count !== undefined && <span class="count"> · {fmtNumber(count)}</span>}
      </div>
      {steps.length === 0 ? <p class="muted small">continue</p> : <Steps steps={steps} stats={stats} />}
    </div>
  );
}

function StepCard({ step, stats }: { step: WorkflowStepSource; stats: WorkflowVersionStats | undefined }) {
  const { kind, text } = describeStep(step);
  const here = stats?.atStep[step.id] ?? 0;
  const counts: Counts | undefined = stats?.steps?.[step.id];
  const branchOutcomes = new Set(['then', 'else', 'timed_out']);
  // in the order a run meets them (started waiting → waited → exited …), whatever order the store grouped them in
  const order = Object.keys(OUTCOME_LABEL);
  const outcomes = Object.entries(counts?.outcomes ?? {})
    .filter(([o]) => !(branchOutcomes.has(o) && (step.if !== undefined || (o === 'timed_out' && (step.on_timeout?.length ?? 0) > 0))))
    .sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0]));
  const actions = counts?.actions;
  const hasActions = actions && actions.pending + actions.sent + actions.failed > 0;
  return (
    <li class={`step step-${kind}`} data-step={step.id}>
      <div class="step-card">
        <div class="step-top">
          <code class="step-id">{step.id}</code>
          <span class={`here${here > 0 ? ' some' : ''}`} data-testid={`here-${step.id}`}>
            {fmtNumber(here)} here now
          </span>
        </div>
        <div class="step-text">{text}</div>
        {(outcomes.length > 0 || hasActions) && (
          <div class="step-counts small" data-testid={`counts-${step.id}`}>
            {outcomes.map(([o, n]) => (
              <span key={o}>
                {OUTCOME_LABEL[o] ?? o} {fmtNumber(n)}
              </span>
            ))}
            {hasActions && (
              <span class="actions-count">
                sent {fmtNumber(actions.sent)}
                {actions.pending > 0 && ` · pending ${fmtNumber(actions.pending)}`}
                {` · failed ${fmtNumber(actions.failed)}`}
              </span>
            )}
          </div>
        )}
      </div>
      {step.if !== undefined && (
        <div class="branches">
          <Branch title="then" count={counts?.outcomes.then ?? 0} steps={step.then ?? []} stats={stats} />
          <Branch title="else" count={counts?.outcomes.else ?? 0} steps={step.else ?? []} stats={stats} />
        </div>
      )}
      {step.wait_until !== undefined && (step.on_timeout?.length ?? 0) > 0 && (
        <div class="branches">
          <Branch title="on timeout" count={counts?.outcomes.timed_out ?? 0} steps={step.on_timeout ?? []} stats={stats} />
        </div>
      )}
    </li>
  );
}

function Steps({ steps, stats }: { steps: readonly WorkflowStepSource[]; stats: WorkflowVersionStats | undefined }) {
  return (
    <ol class="flow">
      {steps.map((s) => (
        <StepCard key={s.id} step={s} stats={stats} />
      ))}
    </ol>
  );
}

/**
 * A workflow's steps as a readable flow, top to bottom: each step says what it does, how many people are there
 * now, how runs passed it (branches taken, waits ended, conditions met) and its actions sent / failed; branches
 * (`then` / `else`, `on timeout`) sit side by side under their step.
 */
export function WorkflowFlow({ steps, stats }: { steps: readonly WorkflowStepSource[]; stats: WorkflowVersionStats | undefined }) {
  return (
    <div class="flow-root" aria-label="Steps">
      <Steps steps={steps} stats={stats} />
      <div class="flow-end muted small">end · the run completes</div>
    </div>
  );
}
