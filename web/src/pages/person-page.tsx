import { useState } from 'preact/hooks';
import { Link, useLocation, useSearch } from 'wouter-preact';
import { ExplainTree } from '../components/explain-tree.js';
import { PersonWorkflowRuns } from '../components/person-workflow-runs.js';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { seg } from '../lib/api.js';
import { fmtTime } from '../lib/format.js';
import { useApi, useDebounced } from '../lib/use-api.js';
import type { Explanation, Profile, Segment } from '../lib/types.js';

function Timeline({ profileRef }: { profileRef: string }) {
  const [filter, setFilter] = useState('');
  const event = useDebounced(filter.trim(), 300);
  const [before, setBefore] = useState<number[]>([]);
  const cursor = before[before.length - 1];
  const page = useApi<Profile>(
    `/api/profiles/${seg(profileRef)}?limit=20${cursor === undefined ? '' : `&before=${cursor}`}${event === '' ? '' : `&event=${seg(event)}`}`,
  );
  const items = page.data?.events.items ?? [];
  return (
    <Panel title="Timeline">
      <label for="timeline-filter">Only events named</label>{' '}
      <input
        id="timeline-filter"
        value={filter}
        placeholder="e.g. Order Completed"
        onInput={(e) => {
          setFilter(e.currentTarget.value);
          setBefore([]);
        }}
      />
      {page.error && <ErrorBox error={page.error} retry={page.reload} />}
      {page.loading && !page.data && <Loading what="events" />}
      {page.data && items.length === 0 && <p class="muted">No events{event ? ` named "${event}"` : ''}.</p>}
      {items.length > 0 && (
        <table class="table" aria-label="Events, newest first">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Event</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => (
              <tr key={e.seq}>
                <td class="nowrap">{fmtTime(e.timestamp)}</td>
                <td>{e.type === 'track' ? e.name : e.type}</td>
                <td>
                  <code class="small">{JSON.stringify(e.type === 'identify' ? e.traits : e.properties)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav class="pager" aria-label="Timeline pages">
        <button type="button" disabled={before.length === 0} onClick={() => setBefore(before.slice(0, -1))}>
          Newer
        </button>
        <button type="button" disabled={!page.data?.events.nextBefore} onClick={() => setBefore([...before, page.data!.events.nextBefore!])}>
          Older
        </button>
      </nav>
    </Panel>
  );
}

function Why({ profileId, segmentRef, segments }: { profileId: string; segmentRef: string; segments: readonly Segment[] }) {
  const [, navigate] = useLocation();
  const why = useApi<Explanation>(segmentRef === '' ? null : `/api/segments/${seg(segmentRef)}/explain/${seg(profileId)}`);
  return (
    <Panel title="Why in or out">
      <label for="explain-segment">Explain for segment</label>{' '}
      <select id="explain-segment" value={segmentRef} onChange={(e) => navigate(`/people/${seg(profileId)}?segment=${seg(e.currentTarget.value)}`, { replace: true })}>
        <option value="">Choose a segment…</option>
        {segments.map((s) => (
          <option key={s.id} value={s.name}>
            {s.name}
          </option>
        ))}
      </select>
      {why.error && <ErrorBox error={why.error} retry={why.reload} />}
      {why.loading && <Loading what="explanation" />}
      {why.data && !why.loading && (
        <>
          <p class={why.data.member ? 'verdict in' : 'verdict out'} role="status">
            {why.data.member ? 'In' : 'Not in'} {segmentRef} at {fmtTime(why.data.at)}
            {why.data.excludedBy && ` (the exclusive group gives this person to ${why.data.excludedBy})`}
          </p>
          <ExplainTree node={why.data.explanation} />
        </>
      )}
    </Panel>
  );
}

/** A person: identities, traits, subscription and consent, current segments, why, workflow runs, and the event timeline. */
export function PersonPage({ profileRef }: { profileRef: string }) {
  const search = useSearch();
  const segmentRef = new URLSearchParams(search).get('segment') ?? '';
  const profile = useApi<Profile>(`/api/profiles/${seg(profileRef)}?limit=1`);
  const segments = useApi<{ segments: Segment[] }>('/api/segments');
  if (profile.error) return <ErrorBox error={profile.error} retry={profile.reload} />;
  const p = profile.data;
  if (!p) return <Loading what="person" />;
  const userId = p.identities.find((i) => i.kind === 'user_id')?.value;
  const email = p.identities.find((i) => i.kind === 'email')?.value;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{userId ?? email ?? p.id}</h1>
          <p class="muted">
            {p.id} · first seen {fmtTime(p.firstSeenAt)} · last seen {fmtTime(p.lastSeenAt)}
          </p>
        </div>
      </div>
      <div class="columns">
        <Panel title="Identities">
          <dl class="kv">
            {p.identities.map((i) => (
              <div key={`${i.kind}:${i.value}`}>
                <dt>{i.kind}</dt>
                <dd>{i.value}</dd>
              </div>
            ))}
          </dl>
        </Panel>
        <Panel title="Subscription and consent">
          <dl class="kv">
            <div>
              <dt>state</dt>
              <dd>{p.subscription.state}</dd>
            </div>
            <div>
              <dt>changed</dt>
              <dd>{fmtTime(p.subscription.changedAt)}</dd>
            </div>
            {p.subscription.reason && (
              <div>
                <dt>reason</dt>
                <dd>{p.subscription.reason}</dd>
              </div>
            )}
            {Object.entries(p.subscription.consent).map(([k, v]) => (
              <div key={k}>
                <dt>consent: {k}</dt>
                <dd>{v ? 'granted' : 'refused'}</dd>
              </div>
            ))}
          </dl>
        </Panel>
      </div>
      <Panel title="Traits">
        {Object.keys(p.traits).length === 0 ? (
          <p class="muted">No traits.</p>
        ) : (
          <dl class="kv">
            {Object.entries(p.traits).map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
              </div>
            ))}
          </dl>
        )}
      </Panel>
      <Panel title="Current segments">
        {p.segments.length === 0 ? (
          <p class="muted">In no segment right now.</p>
        ) : (
          <ul class="chips" aria-label="Current segments">
            {p.segments.map((s) => (
              <li key={s.segmentId}>
                <Link href={`/people/${seg(p.id)}?segment=${seg(s.name)}`}>{s.name}</Link> <span class="muted">since {fmtTime(s.since)}</span>
              </li>
            ))}
          </ul>
        )}
      </Panel>
      <Why profileId={p.id} segmentRef={segmentRef} segments={segments.data?.segments ?? []} />
      <PersonWorkflowRuns profileId={p.id} />
      <Timeline profileRef={p.id} />
    </>
  );
}
