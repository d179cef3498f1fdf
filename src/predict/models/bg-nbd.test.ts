import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bgNbdLogLikelihood, conditionalExpectedPurchases, fitBgNbd, probabilityAlive, type RfmSummary } from './bg-nbd.js';
import { conditionalExpectedSpend, fitGammaGamma } from './gamma-gamma.js';

const data = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/data');

interface Customer extends RfmSummary {
  readonly id: string;
  readonly zbar: number;
}

function summary(): Customer[] {
  const lines = readFileSync(join(data, 'cdnow-sample-summary-39w.csv'), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => {
    const [id, x, tx, T, zbar] = line.split(',');
    return { id: String(Number(id)), x: Number(x), tx: Number(tx), T: Number(T), zbar: Number(zbar) };
  });
}

/**
 * Purchase days per customer (sample id) after the 39-week calibration period (1997-10-01 … 1998-06-30). The
 * file has a few repeated customer-days; like the calibration summary, a day counts once.
 */
function holdoutPurchases(): Map<string, number> {
  const days = new Set<string>();
  for (const line of readFileSync(join(data, 'cdnow-sample.txt'), 'utf8').trim().split('\n')) {
    const [, sampleId, day] = line.trim().split(/\s+/);
    if ((day as string) >= '19971001') days.add(`${Number(sampleId)} ${day}`);
  }
  const out = new Map<string, number>();
  for (const key of days) {
    const id = key.split(' ')[0] as string;
    out.set(id, (out.get(id) ?? 0) + 1);
  }
  return out;
}

/** Rounds to `digits` significant digits. */
const sig = (v: number, digits = 3): number => Number(v.toPrecision(digits));

describe('BG/NBD and Gamma-Gamma on the CDNOW sample', () => {
  const customers = summary();
  const fit = fitBgNbd(customers);

  it('reproduces the published BG/NBD parameters r, α, a, b to 3 significant digits', () => {
    expect(fit.converged).toBe(true);
    const { r, alpha, a, b } = fit.params;
    expect([sig(r), sig(alpha), sig(a), sig(b)]).toEqual([sig(0.2426), sig(4.4135), sig(0.7929), sig(2.4258)]);
  });

  it('reproduces the published Gamma-Gamma parameters p, q, v on the 946 repeat buyers', () => {
    const buyers = customers.filter((c) => c.x > 0).map((c) => ({ x: c.x, m: c.zbar }));
    expect(buyers).toHaveLength(946);
    const gg = fitGammaGamma(buyers);
    expect(gg.ok).toBe(true);
    if (!gg.ok) return;
    expect([sig(gg.params.p), sig(gg.params.q), sig(gg.params.v)]).toEqual([6.25, 3.74, 15.4]);
    // The population mean spend for a customer with no repeat purchase: p·v / (q − 1).
    expect(conditionalExpectedSpend(gg.params, { x: 0, m: 0 })).toBeCloseTo((gg.params.p * gg.params.v) / (gg.params.q - 1), 10);
  });

  it('predicts the holdout weeks 40–78 in total and by calibration frequency as the purchases in cdnow-sample.txt show', () => {
    const actual = holdoutPurchases();
    let predicted = 0;
    let observed = 0;
    const byX = new Map<number, { predicted: number; observed: number; n: number }>();
    for (const c of customers) {
      const e = conditionalExpectedPurchases(fit.params, c, 39);
      const o = actual.get(c.id) ?? 0;
      predicted += e;
      observed += o;
      const key = Math.min(c.x, 7);
      const g = byX.get(key) ?? { predicted: 0, observed: 0, n: 0 };
      byX.set(key, { predicted: g.predicted + e, observed: g.observed + o, n: g.n + 1 });
    }
    // On this 1/10 sample the fitted model predicts 1,653 repeat purchase days for weeks 40–78 against 1,882
    // observed (−12%; the reference implementation gives the same 1,653): close, and on the low side.
    expect(predicted).toBeGreaterThan(0.85 * observed);
    expect(predicted).toBeLessThan(observed);
    // Conditional expectations rise with calibration frequency, as the observed means do.
    const means = [...byX.entries()].sort((a, b) => a[0] - b[0]).map(([, g]) => [g.predicted / g.n, g.observed / g.n] as const);
    for (let i = 1; i < means.length; i++) expect(means[i]![0]).toBeGreaterThan(means[i - 1]![0]);
    for (const [p, o] of means) expect(Math.abs(p - o)).toBeLessThan(Math.max(0.25, 0.3 * o));
  });

  it('stays finite for very large frequencies and keeps P(alive) in [0, 1]', () => {
    const heavy = { x: 5000, tx: 38.999, T: 39 };
    expect(Number.isFinite(bgNbdLogLikelihood(fit.params, heavy))).toBe(true);
    const e = conditionalExpectedPurchases(fit.params, heavy, 39);
    expect(Number.isFinite(e) && e > 1000).toBe(true);
    const gone = { x: 5000, tx: 1, T: 39 };
    expect(probabilityAlive(fit.params, gone)).toBeGreaterThanOrEqual(0);
    expect(probabilityAlive(fit.params, gone)).toBeLessThan(1e-6);
    expect(probabilityAlive(fit.params, { x: 0, tx: 0, T: 39 })).toBe(1);
  });

  it('refuses the Gamma-Gamma fit when spend per order and frequency are correlated', () => {
    const correlated = Array.from({ length: 200 }, (_, i) => ({ x: 1 + (i % 10), m: 10 + 5 * (1 + (i % 10)) + (i % 3) }));
    const gg = fitGammaGamma(correlated);
    expect(gg.ok).toBe(false);
    if (!gg.ok) expect(gg.reason).toContain('correlated');
  });
});
