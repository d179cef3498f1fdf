/**
 * Always-valid inference for an estimate that is read again and again as data arrives: the normal-mixture
 * confidence sequence of Howard, Ramdas, McAuliffe & Sekhon (2021, "Time-uniform, nonparametric, nonasymptotic
 * confidence sequences", Annals of Statistics 49(2), eq. (14) and §3.5), which is also the boundary of the
 * mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis & Walsh (2017/2022, "Always
 * valid inference", Operations Research) used by Optimizely, Eppo and GrowthBook.
 *
 * For an estimate θ̂ with (estimated) variance V and a normal mixing distribution N(0, τ²) on the effect,
 * the mixture likelihood ratio against θ = 0 is
 *   Λ = √(V/(V+τ²)) · exp(τ²θ̂² / (2V(V+τ²)))
 * and P(∃ n: Λ_n ≥ 1/α) ≤ α under H₀ (Ville's inequality), so
 *   θ̂ ± √( V(V+τ²)/τ² · (2 ln(1/α) + ln((V+τ²)/V)) )
 * covers θ at every look simultaneously with probability ≥ 1 − α, and p = min(1, 1/Λ) is an always-valid
 * p-value (the running minimum over looks is also valid; the current value is a conservative upper bound of it).
 *
 * τ² is the one tuning knob: writing V = σ²/n, Howard et al.'s choice τ² = σ²ρ² with
 *   ρ² = (2 ln(1/α) + ln(1 + 2 ln(1/α))) / n*
 * makes the sequence tightest when n reaches the planned sample size n*; it stays valid for every n.
 * With V estimated from the data (the plug-in used by every vendor) validity is asymptotic: trust it after a
 * few hundred units per arm.
 */

/** The interval of a confidence sequence at the current look. */
export interface SequentialInterval {
  readonly low: number;
  readonly high: number;
  /** Always-valid p-value against θ = 0. */
  readonly pValue: number;
  /** True when 0 is outside the interval (equivalently pValue < α). */
  readonly significant: boolean;
}

/** ρ² for a planned `nStar` units per arm (see the module comment). */
export function mixingRho2(nStar: number, alpha = 0.05): number {
  const l = 2 * Math.log(1 / alpha);
  return (l + Math.log(1 + l)) / nStar;
}

/**
 * The confidence sequence at this look for an estimate with variance `variance` after `n` units per arm
 * (the effective n: the harmonic mean of the arms' sizes, so that variance·n estimates the per-unit σ²).
 */
export function confidenceSequence(estimate: number, variance: number, n: number, nStar: number, alpha = 0.05): SequentialInterval {
  if (!(variance > 0) || !(n > 0) || !Number.isFinite(estimate)) {
    return { low: Number.NaN, high: Number.NaN, pValue: Number.NaN, significant: false };
  }
  const tau2 = variance * n * mixingRho2(nStar, alpha);
  const ratio = (variance + tau2) / variance;
  const half = Math.sqrt(((variance * (variance + tau2)) / tau2) * (2 * Math.log(1 / alpha) + Math.log(ratio)));
  const lnLambda = -0.5 * Math.log(ratio) + (tau2 * estimate * estimate) / (2 * variance * (variance + tau2));
  const pValue = Math.min(1, Math.exp(-lnLambda));
  return { low: estimate - half, high: estimate + half, pValue, significant: Math.abs(estimate) > half };
}

/** The effective per-arm n of two arms: 2/(1/n_a + 1/n_b), the n of a balanced design with the same variance. */
export function effectiveN(nA: number, nB: number): number {
  return nA > 0 && nB > 0 ? 2 / (1 / nA + 1 / nB) : 0;
}
