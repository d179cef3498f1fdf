import { useState } from 'preact/hooks';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { api, ApiError, seg } from '../lib/api.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import type { Delivery, Destination } from '../lib/types.js';

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function DestinationPanel({ d }: { d: Destination }) {
  const recent = useApi<{ deliveries: Delivery[] }>(`/api/destinations/${seg(d.id)}/deliveries?limit=100`);
  const dead = useApi<{ deliveries: Delivery[] }>(`/api/destinations/${seg(d.id)}/deliveries?status=dead&limit=50`);
  const [message, setMessage] = useState<string | undefined>();
  const deliveries = recent.data?.deliveries ?? [];
  const latency = median(deliveries.flatMap((x) => x.attemptLog.filter((a) => a.outcome === 'delivered').map((a) => a.durationMs)));
  const lastError = [...deliveries].reverse().find((x) => x.lastError)?.lastError ?? null;
  const replay = async (delivery: Delivery): Promise<void> => {
    try {
      await api('POST', `/api/destinations/${seg(d.id)}/deliveries/${seg(delivery.id)}/replay`);
      setMessage(`Delivery ${delivery.id} queued again.`);
      dead.reload();
      recent.reload();
    } catch (err) {
      setMessage(err instanceof ApiError ? `${err.code}: ${err.message}` : String(err));
    }
  };
  return (
    <Panel title={d.name}>
      <p class="muted">
        {d.url} · {d.enabled ? 'enabled' : `disabled (${d.disabledReason ?? 'manual'})`}
        {d.failingSince && ` · failing since ${fmtTime(d.failingSince)}`}
      </p>
      <dl class="stats">
        <div>
          <dt>Delivered</dt>
          <dd>{fmtNumber(d.counts?.delivered ?? 0)}</dd>
        </div>
        <div>
          <dt>Pending</dt>
          <dd>{fmtNumber(d.counts?.pending ?? 0)}</dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd>{fmtNumber(d.counts?.dead ?? 0)}</dd>
        </div>
        <div>
          <dt>Median latency</dt>
          <dd>{latency === undefined ? '—' : `${latency} ms`}</dd>
        </div>
      </dl>
      <p>
        <strong>Last error:</strong> {lastError ?? 'none'}
      </p>
      {message && <p role="status">{message}</p>}
      {dead.error && <ErrorBox error={dead.error} retry={dead.reload} />}
      {dead.data && dead.data.deliveries.length > 0 && (
        <table class="table" aria-label={`Dead letters of ${d.name}`}>
          <thead>
            <tr>
              <th scope="col">Delivery</th>
              <th scope="col">Change</th>
              <th scope="col">Attempts</th>
              <th scope="col">Last error</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {dead.data.deliveries.map((x) => (
              <tr key={x.id}>
                <td>
                  <code class="small">{x.id}</code>
                </td>
                <td>
                  {x.kind} #{x.seq}
                </td>
                <td>{x.attempts}</td>
                <td>{x.lastError ?? (x.lastStatus === null ? '—' : `HTTP ${x.lastStatus}`)}</td>
                <td>
                  <button type="button" onClick={() => replay(x)} aria-label={`Replay delivery ${x.id}`}>
                    Replay
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}

/** Destinations: delivery counts, latency, last error, dead letters with a replay button. */
export function DestinationsPage() {
  const list = useApi<{ destinations: Destination[] }>('/api/destinations');
  return (
    <>
      <h1>Destinations</h1>
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.loading && !list.data && <Loading what="destinations" />}
      {list.data && list.data.destinations.length === 0 && (
        <p class="muted">No destinations yet. Register a webhook with POST /api/destinations (see docs/destinations.md).</p>
      )}
      {list.data?.destinations.map((d) => <DestinationPanel key={d.id} d={d} />)}
    </>
  );
}
