import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, seg } from '../lib/api.js';
import type { Workflow, WorkflowRun } from '../lib/types.js';
import { ErrorBox, Loading, Panel } from './states.js';
import { WorkflowRuns } from './workflow-runs.js';

type State = { loading: true } | { loading: false; error: ApiError } | { loading: false; found: { workflow: Workflow; runs: WorkflowRun[] }[] };

/**
 * The person page's "Workflows" panel: this person's runs of every workflow of the workspace, each with its path
 * (`GET /api/workflows/{id}/runs?profile=…` per workflow; a workspace has tens of workflows, not thousands).
 */
export function PersonWorkflowRuns({ profileId }: { profileId: string }) {
  const [state, setState] = useState<State>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let current = true;
    setState({ loading: true });
    (async () => {
      const { workflows } = await api<{ workflows: Workflow[] }>('GET', '/api/workflows');
      const found = await Promise.all(
        workflows.map(async (workflow) => ({
          workflow,
          runs: (await api<{ runs: WorkflowRun[] }>('GET', `/api/workflows/${seg(workflow.id)}/runs?profile=${seg(profileId)}`)).runs,
        })),
      );
      return found.filter((f) => f.runs.length > 0);
    })().then(
      (found) => current && setState({ loading: false, found }),
      (error: unknown) => current && setState({ loading: false, error: error instanceof ApiError ? error : new ApiError(0, 'CLIENT', String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [profileId, tick]);
  return (
    <Panel title="Workflows">
      {state.loading && <Loading what="workflow runs" />}
      {!state.loading && 'error' in state && <ErrorBox error={state.error} retry={() => setTick((t) => t + 1)} />}
      {!state.loading && 'found' in state && state.found.length === 0 && <p class="muted">Not in any workflow, now or before.</p>}
      {!state.loading &&
        'found' in state &&
        state.found.map((f) => (
          <section key={f.workflow.id} aria-label={`Runs of ${f.workflow.name}`}>
            <WorkflowRuns runs={f.runs} workflowName={f.workflow.name} />
          </section>
        ))}
    </Panel>
  );
}
