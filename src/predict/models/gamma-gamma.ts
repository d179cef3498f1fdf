import gammaln from '@stdlib/math-base-special-gammaln';
import { nelderMead } from './nelder-mead.js';

/** One repeat buyer for the spend model: `x` repeat purchases (> 0) and `m` their mean value (> 0). */
export interface SpendSummary {
  readonly x: number;
  readonly m: number;
}

/** Gamma-Gamma spend parameters (Fader, Hardie & Lee 2005, "RFM and CLV"). */
export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** The fit, or why the model was refused. */
export type GammaGammaFit =
  | { readonly ok: true; readonly params: GammaGammaParams; readonly converged: boolean; readonly correlation: number }
  | { readonly ok: false; readonly reason: string; readonly correlation: number };

/** |Pearson correlation| between frequency and mean spend above which the model is refused. */
export const MAX_SPEND_FREQUENCY_CORRELATION = 0.3;

/** Pearson correlation of two equally long lists (0 when either is constant). */
export function pearson(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** One repeat buyer's Gamma-Gamma log-likelihood of their mean spend. */
export function gammaGammaLogLikelihood({ p, q, v }: GammaGammaParams, { x, m }: SpendSummary): number {
  return (
    gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + v)
  );
}

/**
 * Maximum-likelihood fit over log(p, q, v), refused with a diagnostic when the model's premise fails: the
 * Gamma-Gamma model assumes a customer's spend per order is independent of how often they buy, so a
 * correlation above {@link MAX_SPEND_FREQUENCY_CORRELATION} (in absolute value) makes its predictions biased.
 */
export function fitGammaGamma(buyers: readonly SpendSummary[]): GammaGammaFit {
  const usable = buyers.filter((b) => b.x > 0 && b.m > 0 && Number.isFinite(b.m));
  if (usable.length < 10) return { ok: false, reason: `only ${usable.length} repeat buyers with a positive spend (need 10)`, correlation: 0 };
  const correlation = pearson(
    usable.map((b) => b.x),
    usable.map((b) => b.m),
  );
  if (Math.abs(correlation) > MAX_SPEND_FREQUENCY_CORRELATION) {
    return {
      ok: false,
      reason: `spend per order and frequency are correlated (Pearson ${correlation.toFixed(3)}, limit ±${MAX_SPEND_FREQUENCY_CORRELATION}): the Gamma-Gamma model assumes they are independent`,
      correlation,
    };
  }
  const objective = (w: readonly number[]): number => {
    const params = { p: Math.exp(w[0] as number), q: Math.exp(w[1] as number), v: Math.exp(w[2] as number) };
    let sum = 0;
    for (const b of usable) sum += gammaGammaLogLikelihood(params, b);
    return -sum / usable.length;
  };
  const result = nelderMead(objective, [0, 0, 0], { tolerance: 1e-13, maxIterations: 20_000 });
  const [p, q, v] = result.x.map(Math.exp) as [number, number, number];
  return { ok: true, params: { p, q, v }, converged: result.converged, correlation };
}

/** E[mean spend per order | x, m] (FHL 2005 "RFM and CLV", eq. 5); the population mean for a non-repeat buyer. */
export function conditionalExpectedSpend({ p, q, v }: GammaGammaParams, { x, m }: SpendSummary): number {
  if (x <= 0 || !(m > 0)) return (p * v) / (q - 1);
  return (p * (v + x * m)) / (p * x + q - 1);
}
