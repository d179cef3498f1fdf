import { useMemo, useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ArmChart } from '../components/arm-chart.js';
import { ConfirmButton } from '../components/confirm-button.js';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { api, seg } from '../lib/api.js';
import { alignSeries, fmtLift, fmtMean, fmtP } from '../lib/experiment-format.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import type { ExperimentReport } from '../lib/types.js';

/** An absolute difference in the metric's unit: percentage points for rates. */
function fmtAbsolute(x: number | null, kind: 'proportion' | 'mean'): string {
  if (x === null || !Number.isFinite(x)) return 'n/a';
  const sign = x < 0 ? '−' : '+';
  return kind === 'proportion' ? `${sign}${Math.abs(x * 100).toFixed(2)} pp` : `${sign}${Math.abs(x).toPrecision(3)}`;
}

function MetricTable({ report, metric }: { report: ExperimentReport; metric: string }) {
  const level = Math.round((1 - report.alpha) * 100);
  const first = report.arms.find((a) => a.metrics[metric])?.metrics[metric];
  const kind = first?.kind ?? 'proportion';
  const def = report.experiment.definition.metrics.find((m) => m.name === metric);
  return (
    <div class="metric">
      <h3>
        {metric}
        {first?.guardrail && <span class="badge guardrail">guardrail</span>}{' '}
        <span class="muted small">
          {def?.kind === 'revenue'
            ? `mean ${def.property ?? ''} per exposed person within ${def.window}, Welch's t-test`
            : def?.kind === 'rule'
              ? `share for whom ${def.rule ?? ''} holds ${def.window} after exposure, two-proportion z-test`
              : `share converting (${def?.event ?? ''}) within ${def?.window ?? ''}, two-proportion z-test`}
        </span>
      </h3>
      <table class="table" aria-label={`Metric ${metric}`}>
        <thead>
          <tr>
            <th scope="col">Arm</th>
            <th scope="col" class="num">
              n
            </th>
            <th scope="col" class="num">
              {kind === 'proportion' ? 'Rate' : 'Mean'}
            </th>
            <th scope="col">Lift vs {report.control}</th>
            <th scope="col">{level}% CI</th>
            <th scope="col">Absolute</th>
            <th scope="col" class="num">
              p-value
            </th>
            <th scope="col">Sequential test</th>
          </tr>
        </thead>
        <tbody>
          {report.arms.map((arm) => {
            const m = arm.metrics[metric];
            if (!m) return null;
            return (
              <tr key={arm.arm} data-testid={`row-${metric}-${arm.arm}`}>
                <th scope="row">
                  {arm.arm}
                  {arm.control && <span class="muted small"> control</span>}
                  {arm.holdout && <span class="muted small"> holdout</span>}
                </th>
                <td class="num">{fmtNumber(arm.n)}</td>
                <td class="num">{fmtMean(m.mean, m.kind)}</td>
                {arm.control ? (
                  <td colSpan={5} class="muted">
                    baseline
                  </td>
                ) : (
                  <>
                    <td class={m.pValue !== null && m.pValue < report.alpha ? ((m.lift ?? 0) > 0 !== m.guardrail ? 'tone-good' : 'tone-bad') : undefined}>{fmtLift(m.lift)}</td>
                    <td class="nowrap">
                      {fmtLift(m.liftLow)} … {fmtLift(m.liftHigh)}
                    </td>
                    <td class="nowrap">
                      {fmtAbsolute(m.absoluteLift, m.kind)}{' '}
                      <span class="muted small">
                        ({fmtAbsolute(m.absoluteLow, m.kind)} … {fmtAbsolute(m.absoluteHigh, m.kind)})
                      </span>
                    </td>
                    <td class="num">{fmtP(m.pValue, m.log10PValue)}</td>
                    <td>
                      {m.sequential.significant ? <strong>significant</strong> : 'not yet'}{' '}
                      <span class="muted small">
                        ({fmtAbsolute(m.sequential.low, m.kind)} … {fmtAbsolute(m.sequential.high, m.kind)})
                      </span>
                    </td>
                  </>
                )}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function OverTime({ report }: { report: ExperimentReport }) {
  const conversions = report.experiment.definition.metrics.filter((m) => m.kind === 'conversion').map((m) => m.name);
  const [mode, setMode] = useState<'exposures' | 'rate'>('exposures');
  const [metric, setMetric] = useState(conversions[0]);
  const arms = report.experiment.definition.arms.map((a) => a.name);
  const holdouts = useMemo(() => new Set(report.experiment.definition.arms.filter((a) => a.holdout).map((a) => a.name)), [report]);
  const aligned = useMemo(() => alignSeries(report.series, arms, metric), [report, metric]);
  const last = aligned.arms.map((a) => `${a.arm} ${a.exposures[a.exposures.length - 1] ?? 0}`).join(', ');
  return (
    <Panel
      title="Over time"
      actions={
        <div class="toggle" role="group" aria-label="Chart">
          <button type="button" aria-pressed={mode === 'exposures'} onClick={() => setMode('exposures')}>
            Exposures
          </button>
          <button type="button" aria-pressed={mode === 'rate'} disabled={conversions.length === 0} onClick={() => setMode('rate')}>
            Conversion rate
          </button>
          {mode === 'rate' && conversions.length > 1 && (
            <>
              <label for="chart-metric" class="visually-hidden">
                Metric
              </label>
              <select id="chart-metric" value={metric} onChange={(e) => setMetric(e.currentTarget.value)}>
                {conversions.map((m) => (
                  <option key={m}>{m}</option>
                ))}
              </select>
            </>
          )}
        </div>
      }
    >
      {aligned.days.length === 0 ? (
        <p class="muted">Nobody has been exposed yet: the chart starts with the first exposure.</p>
      ) : (
        <>
          <ArmChart
            aligned={aligned}
            mode={mode}
            holdouts={holdouts}
            label={mode === 'exposures' ? `Cumulative exposures per arm by day; now ${last}` : `Cumulative conversion rate of ${metric ?? ''} per arm by day`}
          />
          <p class="muted small">
            Cumulative per UTC day, from the stored exposures and conversions ({aligned.days[0]} to {aligned.days[aligned.days.length - 1]}). A conversion counts on the day of the
            person's first conversion; rates keep rising until the last window closes.
          </p>
        </>
      )}
    </Panel>
  );
}

/** One experiment: verdict, split health, the per-arm report per metric, the cumulative chart and the definition. */
export function ExperimentPage({ name }: { name: string }) {
  const report = useApi<ExperimentReport>(`/api/experiments/${seg(name)}/report`);
  if (report.error) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorBox error={report.error} retry={report.reload} />
        <p>
          <Link href="/experiments">Back to experiments</Link>
        </p>
      </>
    );
  }
  const r = report.data;
  if (!r) return <Loading what="experiment report" />;
  const e = r.experiment;
  const total = e.definition.arms.reduce((s, a) => s + a.weight, 0) || 1;
  const exposed = r.arms.reduce((s, a) => s + a.n, 0);
  return (
    <>
      <div class="page-head">
        <div>
          <h1>
            {e.name} <span class={`badge ${e.status}`}>{e.status}</span>
          </h1>
          <p class="muted">
            started {fmtTime(e.createdAt)}
            {e.status === 'stopped' && ` · stopped ${fmtTime(e.updatedAt)}`} · report at {fmtTime(r.at)} · {fmtNumber(exposed)} exposed
          </p>
        </div>
        <div class="actions">
          <button type="button" onClick={report.reload}>
            Refresh
          </button>
          {e.status === 'running' && (
            <ConfirmButton
              label="Stop experiment"
              danger
              question={`Stop "${e.name}"? Exposures and conversions stop being recorded and its arm segments are deleted; the report stays. An experiment cannot be restarted.`}
              confirmLabel="Stop it"
              onConfirm={async () => {
                await api('POST', `/api/experiments/${seg(e.id)}/stop`);
                report.reload();
              }}
            />
          )}
        </div>
      </div>
      <Panel title="Verdict">
        {r.srm.mismatch && (
          <p class="srm bad" role="alert" data-testid="srm">
            Sample ratio mismatch: χ² {r.srm.chiSquare.toFixed(1)}, p = {fmtP(r.srm.pValue)}. The arms' sizes do not match their weights — do not trust these results until it is
            explained.
          </p>
        )}
        {exposed === 0 ? (
          <p class="muted">No exposures yet: people are exposed when they enter their arm's segment.</p>
        ) : (
          <ul class="verdict-lines" aria-label="Verdict">
            {r.verdict
              .filter((line) => !line.startsWith('Sample ratio mismatch'))
              .map((line) => (
                <li key={line}>{line}</li>
              ))}
          </ul>
        )}
        {!r.srm.mismatch && (
          <p class="srm good" data-testid="srm">
            Sample ratio: ok (χ² {r.srm.chiSquare.toFixed(2)}, p = {fmtP(r.srm.pValue)}).
          </p>
        )}
        <p class="muted small">
          Sequential test: {r.sequential.method}; planned {fmtNumber(r.sequential.plannedPerArm)} per arm. Its verdict holds whenever you read the report; the fixed-horizon p-values
          assume one reading at the planned end.
        </p>
      </Panel>
      <OverTime report={r} />
      <Panel title="Results by metric">
        {e.definition.metrics.map((m) => (
          <MetricTable key={m.name} report={r} metric={m.name} />
        ))}
      </Panel>
      <Panel title="Arms and split">
        <table class="table" aria-label="Arms">
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">Rule (when a person is exposed)</th>
              <th scope="col" class="num">
                Weight
              </th>
              <th scope="col" class="num">
                Expected
              </th>
              <th scope="col" class="num">
                Exposed
              </th>
            </tr>
          </thead>
          <tbody>
            {e.definition.arms.map((a, i) => (
              <tr key={a.name}>
                <th scope="row">
                  {a.name}
                  {a.name === e.definition.control && <span class="muted small"> control</span>}
                  {a.holdout && <span class="muted small"> holdout (never acted on)</span>}
                </th>
                <td>
                  <code class="small">{a.rule}</code>
                </td>
                <td class="num">{Math.round((a.weight / total) * 100)}%</td>
                <td class="num">{r.srm.expected[i] === undefined ? '—' : fmtNumber(Math.round(r.srm.expected[i]!))}</td>
                <td class="num">{fmtNumber(r.arms.find((x) => x.arm === a.name)?.n ?? 0)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Panel>
    </>
  );
}
