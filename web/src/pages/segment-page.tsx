import { useEffect, useState } from 'preact/hooks';
import { Link, useLocation } from 'wouter-preact';
import { SizeChart } from '../components/size-chart.js';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { api, seg } from '../lib/api.js';
import { diffLines } from '../lib/diff.js';
import { fmtNumber, fmtTime, personLabel } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import { useChangeStream } from '../lib/use-change-stream.js';
import type { Change, Member, Segment, SizePoint } from '../lib/types.js';

const FEED_MAX = 50;

function LiveFeed({ segmentId, onChanges }: { segmentId: string; onChanges: (n: number) => void }) {
  const [feed, setFeed] = useState<Change[]>([]);
  useChangeStream(segmentId, (changes) => {
    setFeed((f) => [...changes.reverse(), ...f].slice(0, FEED_MAX));
    onChanges(changes.reduce((n, c) => n + (c.kind === 'entered' ? 1 : -1), 0));
  });
  return (
    <Panel title="Live entries and exits">
      {feed.length === 0 ? (
        <p class="muted" role="status">
          Waiting for changes… (new entries and exits appear here as they happen)
        </p>
      ) : (
        <ul class="feed" aria-label="Live changes" aria-live="polite">
          {feed.map((c) => (
            <li key={c.seq} class={c.kind}>
              <span class="kind">{c.kind === 'entered' ? '+ entered' : '− exited'}</span>{' '}
              <Link href={`/people/${seg(c.profileId)}?segment=${seg(c.segmentName ?? c.segmentId)}`}>{personLabel(c)}</Link>{' '}
              <span class="muted">
                at {fmtTime(c.at)} · {c.cause.kind}
              </span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}

function Members({ segment }: { segment: Segment }) {
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const page = useApi<{ members: Member[]; next: string | null; total: number }>(
    `/api/segments/${seg(segment.id)}/members?limit=25${after === undefined ? '' : `&after=${seg(after)}`}`,
  );
  return (
    <Panel
      title="Members"
      actions={
        <a class="button" href={`/api/segments/${seg(segment.id)}/members?format=csv`} download>
          Export CSV
        </a>
      }
    >
      {page.error && <ErrorBox error={page.error} retry={page.reload} />}
      {page.loading && !page.data && <Loading what="members" />}
      {page.data && page.data.members.length === 0 && <p class="muted">No members right now.</p>}
      {page.data && page.data.members.length > 0 && (
        <>
          <table class="table" aria-label="Members">
            <thead>
              <tr>
                <th scope="col">User ID</th>
                <th scope="col">Email</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {page.data.members.map((m) => (
                <tr key={m.profileId}>
                  <td>
                    <Link href={`/people/${seg(m.profileId)}?segment=${seg(segment.name)}`}>{m.userId ?? m.profileId}</Link>
                  </td>
                  <td>{m.email ?? '—'}</td>
                  <td>{fmtTime(m.since)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav class="pager" aria-label="Member pages">
            <button type="button" disabled={cursors.length === 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>
            <span>
              Page {cursors.length} · {fmtNumber(page.data.total)} members
            </span>
            <button type="button" disabled={page.data.next === null} onClick={() => setCursors([...cursors, page.data!.next!])}>
              Next
            </button>
          </nav>
        </>
      )}
    </Panel>
  );
}

function Versions({ segment }: { segment: Segment }) {
  const versions = useApi<{ versions: { version: number; rule: string; savedAt: string }[] }>(`/api/segments/${seg(segment.id)}/versions`);
  const list = versions.data?.versions ?? [];
  return (
    <Panel title="Rule history">
      {versions.error && <ErrorBox error={versions.error} retry={versions.reload} />}
      <ol class="versions" aria-label="Versions">
        {list.map((v, i) => {
          const previous = list[i + 1];
          return (
            <li key={v.version}>
              <strong>v{v.version}</strong> <span class="muted">saved {fmtTime(v.savedAt)}</span>
              <pre class="diff" aria-label={`Changes in version ${v.version}`}>
                {(previous ? diffLines(previous.rule, v.rule) : [{ kind: 'added' as const, text: v.rule }]).map((l, j) => (
                  <div key={j} class={`diff-${l.kind}`}>
                    {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '− ' : '  '}
                    {l.text}
                  </div>
                ))}
              </pre>
            </li>
          );
        })}
      </ol>
    </Panel>
  );
}

/** One segment: live size, size over time (hour/day), live feed, members, rule history. */
export function SegmentPage({ name }: { name: string }) {
  const [, navigate] = useLocation();
  const found = useApi<{ segment: Segment }>(`/api/segments/${seg(name)}`);
  const [resolution, setResolution] = useState<'hour' | 'day'>('hour');
  const segment = found.data?.segment;
  // Asked by name at once, in parallel with the segment itself, rather than after it answers.
  const history = useApi<{ points: SizePoint[] }>(`/api/segments/${seg(name)}/size-history?resolution=${resolution}`);
  const [delta, setDelta] = useState(0);
  useEffect(() => setDelta(0), [found.data]);

  if (found.error) return <ErrorBox error={found.error} retry={found.reload} />;
  if (!segment) return <Loading what="segment" />;
  const remove = async (): Promise<void> => {
    if (!confirm(`Delete "${segment.name}"? Its members exit.`)) return;
    await api('DELETE', `/api/segments/${seg(segment.id)}`);
    navigate('/');
  };
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{segment.name}</h1>
          {segment.description && <p class="muted">{segment.description}</p>}
        </div>
        <div class="actions">
          <Link href={`/segments/${seg(segment.name)}/edit`} class="button">
            Edit rule
          </Link>
          <button type="button" class="danger" onClick={remove}>
            Delete
          </button>
        </div>
      </div>
      <p class="size-line">
        <span class="big" data-testid="segment-size" aria-label="Current size">
          {fmtNumber((segment.size ?? 0) + delta)}
        </span>{' '}
        members · v{segment.version}
      </p>
      <pre class="rule-text" aria-label="Rule">
        {segment.rule}
      </pre>
      <Panel
        title="Size over time"
        actions={
          <div role="group" aria-label="Resolution" class="toggle">
            {(['hour', 'day'] as const).map((r) => (
              <button key={r} type="button" aria-pressed={resolution === r} onClick={() => setResolution(r)}>
                {r === 'hour' ? 'Hourly (48 h)' : 'Daily (30 d)'}
              </button>
            ))}
          </div>
        }
      >
        {history.error && <ErrorBox error={history.error} retry={history.reload} />}
        {history.data ? <SizeChart points={history.data.points} label={`${segment.name} size, ${resolution === 'hour' ? 'hourly' : 'daily'}`} /> : <Loading what="size history" />}
      </Panel>
      <LiveFeed
        segmentId={segment.id}
        onChanges={(n) => {
          setDelta((d) => d + n);
          // The chart's current bucket follows the live changes (the feed is already throttled).
          history.reload();
        }}
      />
      <Members segment={segment} />
      <Versions segment={segment} />
    </>
  );
}
