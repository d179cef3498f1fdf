import { useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { WorkflowFlow } from '../components/workflow-flow.js';
import { WorkflowRuns } from '../components/workflow-runs.js';
import { api, seg } from '../lib/api.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import type { Workflow, WorkflowRun, WorkflowSource, WorkflowVersionStats } from '../lib/types.js';
import { describeTrigger, EXIT_LABEL } from '../lib/workflow-text.js';

function Settings({ d }: { d: WorkflowSource }) {
  const rows: [string, string][] = [
    ['Trigger', describeTrigger(d)],
    ...(d.goal ? ([['Goal', d.goal]] as [string, string][]) : []),
    ...(d.exit_when ? ([['Exit when', d.exit_when]] as [string, string][]) : []),
    ['Re-entry', d.re_entry ?? 'never'],
    ['Time zone', d.timezone ?? 'UTC'],
    ...(d.quiet_hours ? ([['Quiet hours', `${d.quiet_hours.start}–${d.quiet_hours.end} local time`]] as [string, string][]) : []),
    ...(d.frequency_cap ? ([['Frequency cap', `at most ${d.frequency_cap.max} sends within ${d.frequency_cap.within}`]] as [string, string][]) : []),
  ];
  return (
    <dl class="kv">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{k === 'Goal' || k === 'Exit when' ? <code class="small">{v}</code> : v}</dd>
        </div>
      ))}
    </dl>
  );
}

function Exits({ stats }: { stats: WorkflowVersionStats }) {
  const causes = Object.entries(stats.exited).sort((a, b) => b[1] - a[1]);
  const total = causes.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return <p class="muted">Nobody has left this version yet.</p>;
  return (
    <table class="table" aria-label="Exits by cause">
      <thead>
        <tr>
          <th scope="col">Cause</th>
          <th scope="col" class="num">
            People
          </th>
          <th scope="col" class="num">
            Share
          </th>
        </tr>
      </thead>
      <tbody>
        {causes.map(([cause, n]) => (
          <tr key={cause}>
            <td>
              {EXIT_LABEL[cause] ?? cause} <code class="small muted">{cause}</code>
            </td>
            <td class="num">{fmtNumber(n)}</td>
            <td class="num">{Math.round((n / total) * 100)}%</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PersonLookup({ workflowId }: { workflowId: string }) {
  const [ref, setRef] = useState('');
  const [asked, setAsked] = useState<string | null>(null);
  const runs = useApi<{ runs: WorkflowRun[] }>(asked === null ? null : `/api/workflows/${seg(workflowId)}/runs?profile=${seg(asked)}`);
  return (
    <Panel title="A person's path">
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          if (ref.trim() !== '') setAsked(ref.trim());
        }}
      >
        <label for="run-person">Person (user id, email or profile id)</label>
        <input id="run-person" value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
        <button type="submit">Show runs</button>
      </form>
      {runs.error && <ErrorBox error={runs.error} retry={runs.reload} />}
      {runs.loading && <Loading what="runs" />}
      {runs.data && !runs.loading && (runs.data.runs.length === 0 ? <p class="muted">{asked} has never entered this workflow.</p> : <WorkflowRuns runs={runs.data.runs} />)}
    </Panel>
  );
}

/**
 * One workflow: its settings, the steps of the chosen version as a flow with people there now and how runs passed
 * each step, exits by cause, pause / resume / archive (each confirmed), and any person's path.
 */
export function WorkflowPage({ name }: { name: string }) {
  const search = useSearch();
  const [, navigate] = useLocation();
  const shown = useApi<{ workflow: Workflow; versions: WorkflowVersionStats[] }>(`/api/workflows/${seg(name)}`);
  const w = shown.data?.workflow;
  const asked = Number(new URLSearchParams(search).get('version'));
  const version = w ? (Number.isInteger(asked) && asked >= 1 && asked <= w.version ? asked : w.version) : undefined;
  const source = useApi<{ version: number; definition: WorkflowSource; createdAt: string }>(
    w && version !== undefined && version !== w.version ? `/api/workflows/${seg(w.id)}/versions/${version}` : null,
  );
  if (shown.error) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorBox error={shown.error} retry={shown.reload} />
        <p>
          <Link href="/workflows">Back to workflows</Link>
        </p>
      </>
    );
  }
  if (!w || version === undefined) return <Loading what="workflow" />;
  const definition = version === w.version ? w.definition : source.data?.definition;
  const stats = shown.data?.versions.find((v) => v.version === version);
  const act = (action: 'pause' | 'resume' | 'archive') => async (): Promise<void> => {
    await api('POST', `/api/workflows/${seg(w.id)}/${action}`);
    shown.reload();
  };
  return (
    <>
      <div class="page-head">
        <div>
          <h1>
            {w.name} <span class={`badge ${w.status}`}>{w.status}</span>
          </h1>
          <p class="muted">
            {w.definition.description ? `${w.definition.description} · ` : ''}current version {w.version} · changed {fmtTime(w.updatedAt)}
          </p>
        </div>
        <div class="actions">
          <label for="wf-version">Version</label>
          <select id="wf-version" value={String(version)} onChange={(e) => navigate(`/workflows/${seg(w.name)}?version=${e.currentTarget.value}`, { replace: true })}>
            {Array.from({ length: w.version }, (_, i) => w.version - i).map((v) => (
              <option key={v} value={String(v)}>
                v{v}
                {v === w.version ? ' (current)' : ''}
              </option>
            ))}
          </select>
          <button type="button" onClick={shown.reload}>
            Refresh
          </button>
          {w.status === 'active' && (
            <ConfirmButton
              label="Pause"
              question={`Pause "${w.name}"? Everyone holds at their step (their waits stay armed) and nobody new enters until you resume.`}
              confirmLabel="Pause workflow"
              onConfirm={act('pause')}
            />
          )}
          {w.status === 'paused' && (
            <ConfirmButton label="Resume" question={`Resume "${w.name}"? Waits that ended while paused end at once, and new people enter again.`} confirmLabel="Resume workflow" onConfirm={act('resume')} />
          )}
          {w.status !== 'archived' && (
            <ConfirmButton
              label="Archive"
              danger
              question={`Archive "${w.name}"? Everyone inside exits now (cause archived) and the workflow can never change again.`}
              confirmLabel="Archive workflow"
              onConfirm={act('archive')}
            />
          )}
        </div>
      </div>
      {stats && (
        <dl class="stats" aria-label={`Numbers of version ${version}`}>
          <div>
            <dt>Entered</dt>
            <dd data-testid="wf-entered">{fmtNumber(stats.entered)}</dd>
          </div>
          <div>
            <dt>Inside now</dt>
            <dd data-testid="wf-active">{fmtNumber(stats.active)}</dd>
          </div>
          <div>
            <dt>Goal reached</dt>
            <dd data-testid="wf-goal">
              {fmtNumber(stats.goalReached)}
              {stats.entered > 0 && <span class="muted small"> ({Math.round((stats.goalReached / stats.entered) * 100)}%)</span>}
            </dd>
          </div>
          <div>
            <dt>Actions</dt>
            <dd data-testid="wf-actions" class="small">
              {fmtNumber(stats.actions.sent)} sent · {fmtNumber(stats.actions.pending)} pending · {fmtNumber(stats.actions.failed)} failed
            </dd>
          </div>
        </dl>
      )}
      {version !== w.version && (
        <p class="notice" role="status">
          Showing version {version}
          {source.data && ` (saved ${fmtTime(source.data.createdAt)})`}: people who entered with it finish on it unless migrated.
        </p>
      )}
      {source.error && <ErrorBox error={source.error} retry={source.reload} />}
      {!definition ? (
        <Loading what={`version ${version}`} />
      ) : (
        <>
          <Panel title="Settings">
            <Settings d={definition} />
          </Panel>
          <Panel title="Flow">
            <WorkflowFlow steps={definition.steps ?? []} stats={stats} />
          </Panel>
        </>
      )}
      <Panel title="Exits by cause">{stats ? <Exits stats={stats} /> : <p class="muted">No numbers for this version.</p>}</Panel>
      <PersonLookup workflowId={w.id} />
    </>
  );
}
