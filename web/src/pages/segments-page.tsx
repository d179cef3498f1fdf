import { useEffect, useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { Sparkline } from '../components/sparkline.js';
import { ErrorBox, Loading } from '../components/states.js';
import { seg } from '../lib/api.js';
import { fmtAgo, fmtNumber } from '../lib/format.js';
import { useChangeStream } from '../lib/use-change-stream.js';
import { useApi } from '../lib/use-api.js';
import type { Segment } from '../lib/types.js';

const WEEK = 7 * 24 * 60 * 60 * 1000;
const PAGE = 50;

/** Segments: name, live size, 7-day sparkline, last change; search; paged so 200+ segments stay fast. */
export function SegmentsPage() {
  const list = useApi<{ segments: Segment[] }>('/api/segments');
  const [from] = useState(() => new Date(Date.now() - WEEK).toISOString());
  const history = useApi<{ series: Record<string, number[]>; lastChange: Record<string, string> }>(`/api/size-history?resolution=hour&from=${from}`);
  const [query, setQuery] = useState('');
  const [page, setPage] = useState(0);
  const [delta, setDelta] = useState<Record<string, number>>({});
  const [lastLive, setLastLive] = useState<Record<string, string>>({});

  // Live sizes: every change moves its segment's size by one; updates are applied in batches (throttled).
  useChangeStream(null, (changes) => {
    setDelta((d) => {
      const next = { ...d };
      for (const c of changes) next[c.segmentId] = (next[c.segmentId] ?? 0) + (c.kind === 'entered' ? 1 : -1);
      return next;
    });
    setLastLive((l) => {
      const next = { ...l };
      for (const c of changes) next[c.segmentId] = c.recordedAt;
      return next;
    });
  });
  useEffect(() => setDelta({}), [list.data]);

  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    const all = list.data?.segments ?? [];
    return q === '' ? all : all.filter((s) => s.name.toLowerCase().includes(q) || s.description.toLowerCase().includes(q));
  }, [list.data, query]);
  const pages = Math.max(1, Math.ceil(shown.length / PAGE));
  const current = shown.slice(page * PAGE, (page + 1) * PAGE);

  return (
    <>
      <div class="page-head">
        <h1>Segments</h1>
        <Link href="/segments/new" class="button">
          New segment
        </Link>
      </div>
      <label for="segment-search" class="visually-hidden">
        Search segments
      </label>
      <input
        id="segment-search"
        type="search"
        placeholder="Search segments"
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          setPage(0);
        }}
      />
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.loading && !list.data && <Loading what="segments" />}
      {list.data && shown.length === 0 && (
        <p class="muted">{query ? `No segment matches "${query}".` : 'No segments yet. Create the first one.'}</p>
      )}
      {current.length > 0 && (
        <table class="table" aria-label="Segments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col" class="num">
                Size
              </th>
              <th scope="col">Last 7 days</th>
              <th scope="col">Last change</th>
            </tr>
          </thead>
          <tbody>
            {current.map((s) => {
              const size = (s.size ?? 0) + (delta[s.id] ?? 0);
              const series = history.data?.series[s.id];
              return (
                <tr key={s.id}>
                  <td>
                    <Link href={`/segments/${seg(s.name)}`}>{s.name}</Link>
                    {s.description && <div class="muted small">{s.description}</div>}
                  </td>
                  <td class="num" data-testid={`size-${s.name}`}>
                    {fmtNumber(size)}
                  </td>
                  <td class="spark">{series ? <Sparkline values={[...series.slice(0, -1), size]} label={`${s.name} size`} /> : null}</td>
                  <td>{fmtAgo(lastLive[s.id] ?? history.data?.lastChange[s.id] ?? null)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav class="pager" aria-label="Segment pages">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span>
            Page {page + 1} of {pages}
          </span>
          <button type="button" disabled={page + 1 >= pages} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </nav>
      )}
    </>
  );
}
