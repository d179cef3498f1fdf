import betaln from '@stdlib/math-base-special-betaln';
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { nelderMead } from './nelder-mead.js';

/** One customer's calibration summary: `x` repeat purchases, `tx` time of the last one, `T` age (same unit). */
export interface RfmSummary {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

/** BG/NBD parameters (Fader, Hardie & Lee 2005): purchase rate ~ Gamma(r, α), dropout p ~ Beta(a, b). */
export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/** A fit: the parameters, the mean log-likelihood per customer, and whether the optimiser converged. */
export interface BgNbdFit {
  readonly params: BgNbdParams;
  readonly meanLogLikelihood: number;
  readonly converged: boolean;
}

const logAddExp = (u: number, v: number): number => {
  const m = Math.max(u, v);
  return m === Number.NEGATIVE_INFINITY ? m : m + Math.log(Math.exp(u - m) + Math.exp(v - m));
};

/**
 * One customer's BG/NBD log-likelihood (FHL 2005, eq. 6), entirely in log space: the Beta ratio through
 * `betaln` (no Γ(b+x) overflow for large frequencies) and the two terms combined by log-sum-exp.
 */
export function bgNbdLogLikelihood({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RfmSummary): number {
  const a1 = gammaln(r + x) - gammaln(r) + r * Math.log(alpha);
  const a2 = betaln(a, b + x) - betaln(a, b);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : Number.NEGATIVE_INFINITY;
  return a1 + a2 + logAddExp(a3, a4);
}

/**
 * Maximum-likelihood fit by Nelder–Mead over the logarithms of (r, α, a, b): the parameters stay positive
 * without a penalizer (the reference implementation's penalizer is what drives values negative or biases
 * them), and the objective is the mean log-likelihood, so its scale does not grow with the number of customers.
 */
export function fitBgNbd(customers: readonly RfmSummary[]): BgNbdFit {
  if (customers.length === 0) throw new Error('BG/NBD needs at least one customer');
  const objective = (v: readonly number[]): number => {
    const params = { r: Math.exp(v[0] as number), alpha: Math.exp(v[1] as number), a: Math.exp(v[2] as number), b: Math.exp(v[3] as number) };
    let sum = 0;
    for (const c of customers) sum += bgNbdLogLikelihood(params, c);
    return -sum / customers.length;
  };
  const meanT = customers.reduce((s, c) => s + c.T, 0) / customers.length;
  const result = nelderMead(objective, [0, Math.log(Math.max(1e-3, meanT / 10)), 0, 0], { tolerance: 1e-13, maxIterations: 20_000 });
  const [r, alpha, a, b] = result.x.map(Math.exp) as [number, number, number, number];
  return { params: { r, alpha, a, b }, meanLogLikelihood: -result.fx, converged: result.converged };
}

/** ln of (a / (b+x−1)) · ((α+T)/(α+tx))^(r+x): the odds of having dropped out after the last purchase. */
function logDropoutOdds({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RfmSummary): number {
  if (x === 0) return Number.NEGATIVE_INFINITY;
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + tx));
}

/** P(alive at T | x, tx, T) (FHL 2005, eq. 11). */
export function probabilityAlive(params: BgNbdParams, c: RfmSummary): number {
  return Math.exp(-logAddExp(0, logDropoutOdds(params, c)));
}

/**
 * E[purchases in (T, T + t] | x, tx, T] (FHL 2005, eq. 10), with the Gauss hypergeometric function from
 * `@stdlib`. Written through Euler's transformation, 2F1(r+x, b+x; a+b+x−1; z) = (1−z)^(a−1−r−x) ·
 * 2F1(a+b−1−r, a−1; a+b+x−1; z) with 1−z = (α+T)/(α+T+t): the tiny power and the huge series of the textbook
 * form cancel into (1−z)^(a−1) times a series that stays near 1, so a very frequent buyer neither overflows nor
 * loses every digit (the reference implementation returns NaN there). The dropout odds stay in log space.
 */
export function conditionalExpectedPurchases(params: BgNbdParams, c: RfmSummary, t: number): number {
  const { r, alpha, a, b } = params;
  const { x, T } = c;
  if (t <= 0) return 0;
  const z = t / (alpha + T + t);
  const lead = (a + b + x - 1) / (a - 1);
  const tail = Math.exp((a - 1) * Math.log1p(-z)) * hyp2f1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  const numerator = lead * (1 - tail);
  return Math.max(0, numerator * Math.exp(-logAddExp(0, logDropoutOdds(params, c))));
}
