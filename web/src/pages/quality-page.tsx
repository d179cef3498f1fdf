import { Link } from 'wouter-preact';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';

interface AlertRow {
  readonly id: string;
  readonly state: 'firing' | 'resolved';
  readonly message: string;
  readonly link: string | null;
  readonly firedAt: string;
  readonly resolvedAt: string | null;
}

interface ViolationRow {
  readonly messageType: string;
  readonly event: string;
  readonly kind: string;
  readonly field: string;
  readonly count: number;
  readonly lastSeen: string;
  readonly samples: readonly { readonly messageId: string; readonly value?: string }[];
}

/** Data quality: the alerts the rules raised (firing first) and the tracking plan's violations and quarantine. */
export function QualityPage() {
  const alerts = useApi<{ alerts: AlertRow[] }>('/api/alerts?limit=50');
  const violations = useApi<{ items: ViolationRow[] }>('/api/tracking-plan/violations?limit=50');
  const quarantine = useApi<{ total: number }>('/api/tracking-plan/quarantine?limit=1');
  const sorted = [...(alerts.data?.alerts ?? [])].sort((a, b) => (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1));
  return (
    <>
      <h1>Data quality</h1>
      <Panel title="Alerts">
        {alerts.error && <ErrorBox error={alerts.error} retry={alerts.reload} />}
        {alerts.loading && !alerts.data && <Loading what="alerts" />}
        {alerts.data && sorted.length === 0 && <p class="muted">No alerts. Rules are created with POST /api/alerts/rules (see docs/alerts.md).</p>}
        {sorted.length > 0 && (
          <table class="table" aria-label="Alerts">
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col">Alert</th>
                <th scope="col">Fired</th>
                <th scope="col">Resolved</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((a) => (
                <tr key={a.id}>
                  <td>{a.state}</td>
                  <td>
                    {a.message}
                    {a.link && (
                      <>
                        {' '}
                        <Link href={a.link.replace(/^https?:\/\/[^/]+/, '')}>open segment</Link>
                      </>
                    )}
                  </td>
                  <td>{fmtTime(a.firedAt)}</td>
                  <td>{a.resolvedAt ? fmtTime(a.resolvedAt) : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <Panel title="Tracking plan violations">
        {quarantine.data && (
          <p class="muted" data-testid="quarantine-total">
            {fmtNumber(quarantine.data.total)} blocked message{quarantine.data.total === 1 ? '' : 's'} in the quarantine.
          </p>
        )}
        {violations.error && <ErrorBox error={violations.error} retry={violations.reload} />}
        {violations.loading && !violations.data && <Loading what="violations" />}
        {violations.data && violations.data.items.length === 0 && <p class="muted">No violations counted.</p>}
        {violations.data && violations.data.items.length > 0 && (
          <table class="table" aria-label="Violations">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Kind</th>
                <th scope="col">Field</th>
                <th scope="col">Count</th>
                <th scope="col">Last seen</th>
                <th scope="col">Sample</th>
              </tr>
            </thead>
            <tbody>
              {violations.data.items.map((v) => (
                <tr key={`${v.messageType}/${v.event}/${v.kind}/${v.field}`}>
                  <td>{v.messageType === 'identify' ? '(identify)' : v.event}</td>
                  <td>{v.kind}</td>
                  <td>
                    <code>{v.field || '—'}</code>
                  </td>
                  <td>{fmtNumber(v.count)}</td>
                  <td>{fmtTime(v.lastSeen)}</td>
                  <td>
                    <code>{v.samples[v.samples.length - 1]?.value ?? v.samples[v.samples.length - 1]?.messageId ?? ''}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </>
  );
}
