import { Link } from 'wouter-preact';
import { ErrorBox, Loading } from '../components/states.js';
import { seg } from '../lib/api.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import type { Workflow, WorkflowVersionStats } from '../lib/types.js';
import { describeTrigger } from '../lib/workflow-text.js';

function WorkflowRow({ w }: { w: Workflow }) {
  const stats = useApi<{ versions: WorkflowVersionStats[] }>(`/api/workflows/${seg(w.id)}/stats`);
  const sum = (f: (v: WorkflowVersionStats) => number): string => (stats.data ? fmtNumber(stats.data.versions.reduce((s, v) => s + f(v), 0)) : stats.error ? '—' : '…');
  return (
    <tr>
      <td>
        <Link href={`/workflows/${seg(w.name)}`}>{w.name}</Link>
        <div class="muted small">{describeTrigger(w.definition)}</div>
      </td>
      <td class="num">v{w.version}</td>
      <td>
        <span class={`badge ${w.status}`}>{w.status}</span>
      </td>
      <td class="num" data-testid={`entered-${w.name}`}>
        {sum((v) => v.entered)}
      </td>
      <td class="num" data-testid={`active-${w.name}`}>
        {sum((v) => v.active)}
      </td>
      <td class="num" data-testid={`goal-${w.name}`}>
        {sum((v) => v.goalReached)}
      </td>
      <td class="nowrap">{fmtTime(w.updatedAt)}</td>
    </tr>
  );
}

/** Workflows: each with its current version, state, and people entered, inside now and at the goal (all versions). */
export function WorkflowsPage() {
  const list = useApi<{ workflows: Workflow[] }>('/api/workflows');
  return (
    <>
      <h1>Workflows</h1>
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.loading && !list.data && <Loading what="workflows" />}
      {list.data && list.data.workflows.length === 0 && (
        <p class="muted">No workflows yet. Save one with POST /api/workflows or a *.workflow.yaml file and segflow apply (see docs/workflows.md).</p>
      )}
      {list.data && list.data.workflows.length > 0 && (
        <table class="table" aria-label="Workflows">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Version
              </th>
              <th scope="col">State</th>
              <th scope="col" class="num">
                Entered
              </th>
              <th scope="col" class="num">
                Active
              </th>
              <th scope="col" class="num">
                Goal reached
              </th>
              <th scope="col">Last changed</th>
            </tr>
          </thead>
          <tbody>
            {list.data.workflows.map((w) => (
              <WorkflowRow key={w.id} w={w} />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
