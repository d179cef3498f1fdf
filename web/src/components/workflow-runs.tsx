import { Link } from 'wouter-preact';
import { seg } from '../lib/api.js';
import { fmtTime } from '../lib/format.js';
import type { WorkflowRun } from '../lib/types.js';
import { EXIT_LABEL, OUTCOME_LABEL } from '../lib/workflow-text.js';

/**
 * A person's runs of one workflow: each run's state and its path — every step with its instant, its outcome and,
 * for branches and rule waits, the rule with each sub-condition's value at that instant — then its actions.
 */
export function WorkflowRuns({ runs, workflowName }: { runs: readonly WorkflowRun[]; workflowName?: string }) {
  return (
    <div class="runs">
      {runs.map((r) => (
        <article class="run" key={r.id} aria-label={`Run ${r.id}`}>
          <h3>
            {workflowName && (
              <>
                <Link href={`/workflows/${seg(workflowName)}`}>{workflowName}</Link> ·{' '}
              </>
            )}
            version {r.version} ·{' '}
            {r.status === 'active' ? (
              <span class="badge active">at {r.stepId}</span>
            ) : (
              <span class="badge ended">{EXIT_LABEL[r.exitCause ?? ''] ?? r.exitCause ?? 'ended'}</span>
            )}
            {r.key !== '' && <span class="muted small"> · key {r.key}</span>}
          </h3>
          <p class="muted small">
            entered {fmtTime(r.enteredAt)} · last moved {fmtTime(r.updatedAt)}
          </p>
          <ol class="path" aria-label="Path">
            {r.path.map((p, i) => (
              <li key={i} class={`outcome-${p.outcome}`}>
                <span class="when nowrap">{fmtTime(p.at)}</span> <code class="step-id">{p.stepId}</code> <strong>{OUTCOME_LABEL[p.outcome] ?? p.outcome}</strong>
                {p.cause && <span class="muted"> ({EXIT_LABEL[p.cause] ?? p.cause})</span>}
                {p.rule && (
                  <div class="path-rule">
                    <code class="small">{p.rule}</code>
                    {p.values && p.values.length > 0 && (
                      <ul class="values">
                        {p.values.map((v, k) => (
                          <li key={k} class={v.value ? 'holds' : 'fails'}>
                            <span class="mark" aria-hidden="true">
                              {v.value ? '✓' : '✗'}
                            </span>
                            <span class="visually-hidden">{v.value ? 'true' : 'false'}: </span>
                            <code class="small">{v.text}</code>
                          </li>
                        ))}
                      </ul>
                    )}
                  </div>
                )}
              </li>
            ))}
          </ol>
          {r.actions.length > 0 && (
            <table class="table" aria-label={`Actions of run ${r.id}`}>
              <thead>
                <tr>
                  <th scope="col">Due</th>
                  <th scope="col">Step</th>
                  <th scope="col">Action</th>
                  <th scope="col">Status</th>
                  <th scope="col" class="num">
                    Attempts
                  </th>
                </tr>
              </thead>
              <tbody>
                {r.actions.map((a) => (
                  <tr key={a.id}>
                    <td class="nowrap">{fmtTime(a.dueAt)}</td>
                    <td>
                      <code class="small">{a.stepId}</code>
                    </td>
                    <td>
                      {a.kind}
                      {a.target && ` → ${a.target}`}
                    </td>
                    <td class={a.status === 'failed' ? 'tone-bad' : a.status === 'sent' ? 'tone-good' : undefined}>{a.status}</td>
                    <td class="num">{a.attempts}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </div>
  );
}
