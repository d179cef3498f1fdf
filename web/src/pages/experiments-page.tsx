import { useState } from 'preact/hooks';
import { Link } from 'wouter-preact';
import { ErrorBox, Loading, Panel } from '../components/states.js';
import { api, ApiError, seg } from '../lib/api.js';
import { reportHeadline } from '../lib/experiment-format.js';
import { fmtNumber, fmtTime } from '../lib/format.js';
import { useApi } from '../lib/use-api.js';
import type { Experiment, ExperimentReport } from '../lib/types.js';

/** One row: the experiment's own fields at once, exposures and the verdict from its report as it arrives. */
function ExperimentRow({ e }: { e: Experiment }) {
  const report = useApi<ExperimentReport>(`/api/experiments/${seg(e.id)}/report`);
  const exposures = report.data?.arms.reduce((sum, a) => sum + a.n, 0);
  const headline = report.data ? reportHeadline(report.data) : undefined;
  const total = e.definition.arms.reduce((s, a) => s + a.weight, 0) || 1;
  return (
    <tr>
      <td>
        <Link href={`/experiments/${seg(e.name)}`}>{e.name}</Link>
        <div class="muted small">since {fmtTime(e.createdAt)}</div>
      </td>
      <td>
        <span class={`badge ${e.status}`}>{e.status}</span>
      </td>
      <td>
        <ul class="arm-list">
          {e.definition.arms.map((a) => (
            <li key={a.name}>
              {a.name}
              {a.name === e.definition.control && <span class="muted"> (control)</span>}
              {a.holdout && !/holdout/i.test(a.name) && <span class="muted"> (holdout)</span>} <span class="muted small">{Math.round((a.weight / total) * 100)}%</span>
            </li>
          ))}
        </ul>
      </td>
      <td class="num" data-testid={`exposures-${e.name}`}>
        {exposures === undefined ? (report.error ? '—' : '…') : fmtNumber(exposures)}
      </td>
      <td data-testid={`verdict-${e.name}`}>
        {report.error ? <span class="error-text">{report.error.code}</span> : headline ? <span class={`tone-${headline.tone}`}>{headline.text}</span> : '…'}
      </td>
    </tr>
  );
}

/** "To detect +10% on a 3% rate you need N per arm", from `GET /api/experiments/sample-size`. */
function SampleSizeCalculator() {
  const [rate, setRate] = useState('3');
  const [lift, setLift] = useState('10');
  const [alpha, setAlpha] = useState('0.05');
  const [power, setPower] = useState('0.8');
  const [arms, setArms] = useState('2');
  const [answer, setAnswer] = useState<{ perArm: number; arms: number; rate: number; lift: number } | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    setError(undefined);
    const q = new URLSearchParams({ rate: String(Number(rate) / 100), lift: String(Number(lift) / 100), alpha, power });
    try {
      const res = await api<{ perArm: number }>('GET', `/api/experiments/sample-size?${q.toString()}`);
      setAnswer({ perArm: res.perArm, arms: Math.max(2, Math.round(Number(arms)) || 2), rate: Number(rate), lift: Number(lift) });
    } catch (err) {
      setAnswer(undefined);
      setError(err instanceof ApiError ? err : new ApiError(0, 'CLIENT', String(err)));
    }
  };
  return (
    <Panel title="Sample size">
      <form class="calc" onSubmit={submit} aria-label="Sample size calculator">
        <div class="field">
          <label for="calc-rate">Control conversion rate (%)</label>
          <input id="calc-rate" type="number" step="any" min="0" max="100" required value={rate} onInput={(e) => setRate(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="calc-lift">Smallest lift worth detecting (%)</label>
          <input id="calc-lift" type="number" step="any" required value={lift} onInput={(e) => setLift(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="calc-alpha">Significance level</label>
          <input id="calc-alpha" type="number" step="any" min="0" max="1" required value={alpha} onInput={(e) => setAlpha(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="calc-power">Power</label>
          <input id="calc-power" type="number" step="any" min="0" max="1" required value={power} onInput={(e) => setPower(e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="calc-arms">Arms</label>
          <input id="calc-arms" type="number" min="2" max="20" step="1" required value={arms} onInput={(e) => setArms(e.currentTarget.value)} />
        </div>
        <button type="submit">Calculate</button>
      </form>
      {error && <ErrorBox error={error} />}
      {answer && (
        <p class="notice" role="status" data-testid="sample-size-answer">
          To detect {answer.lift > 0 ? '+' : ''}
          {answer.lift}% on a {answer.rate}% rate you need <strong>{fmtNumber(answer.perArm)}</strong> people per arm ({fmtNumber(answer.perArm * answer.arms)} for{' '}
          {answer.arms} arms). Read daily with the sequential test, plan on roughly 1.5–2× this.
        </p>
      )}
    </Panel>
  );
}

/** Experiments: each with its state, arms, exposures and verdict; the sample-size calculator below. */
export function ExperimentsPage() {
  const list = useApi<{ experiments: Experiment[] }>('/api/experiments');
  return (
    <>
      <h1>Experiments</h1>
      {list.error && <ErrorBox error={list.error} retry={list.reload} />}
      {list.loading && !list.data && <Loading what="experiments" />}
      {list.data && list.data.experiments.length === 0 && (
        <p class="muted">No experiments yet. Start one with POST /api/experiments or a *.experiment.json file and segflow apply (see docs/experiments.md).</p>
      )}
      {list.data && list.data.experiments.length > 0 && (
        <table class="table" aria-label="Experiments">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Arms</th>
              <th scope="col" class="num">
                Exposures
              </th>
              <th scope="col">Verdict</th>
            </tr>
          </thead>
          <tbody>
            {list.data.experiments.map((e) => (
              <ExperimentRow key={e.id} e={e} />
            ))}
          </tbody>
        </table>
      )}
      <SampleSizeCalculator />
    </>
  );
}
