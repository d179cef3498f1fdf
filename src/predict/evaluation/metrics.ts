/** One bin of a reliability table: predictions in [from, to), their mean, and the observed positive rate. */
export interface ReliabilityBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
  readonly meanPredicted: number;
  readonly observedRate: number;
}

/** The evaluation figures of one scorer on one labelled set. */
export interface Metrics {
  readonly count: number;
  readonly positives: number;
  /** Area under the ROC curve (ties count half). 0.5 = random ranking. */
  readonly auc: number;
  /** Area under the precision-recall curve as average precision. Random = the positive rate. */
  readonly prAuc: number;
  /** Positive rate in the top 10% of scores over the overall positive rate. Random = 1. */
  readonly topDecileLift: number;
  /** Mean squared error of the probabilities (lower is better). */
  readonly brier: number;
  readonly reliability: readonly ReliabilityBin[];
}

/**
 * AUC by the Mann–Whitney rank statistic, with tied scores given their mean rank: O(n log n). Undefined (NaN)
 * when the labels are all one class.
 */
export function auc(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[a] as number) - (scores[b] as number));
  let rankSumPos = 0;
  let pos = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    const meanRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (labels[order[k] as number] === 1) {
        rankSumPos += meanRank;
        pos++;
      }
    }
    i = j + 1;
  }
  const neg = order.length - pos;
  if (pos === 0 || neg === 0) return Number.NaN;
  return (rankSumPos - (pos * (pos + 1)) / 2) / (pos * neg);
}

/** Average precision (area under the precision-recall curve, step-wise; tied scores are taken as one step). */
export function averagePrecision(scores: readonly number[], labels: readonly number[]): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const total = labels.reduce((s, y) => s + y, 0);
  if (total === 0) return Number.NaN;
  let tp = 0;
  let seen = 0;
  let ap = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    let tpGroup = 0;
    while (j < order.length && scores[order[j] as number] === scores[order[i] as number]) {
      tpGroup += labels[order[j] as number] as number;
      j++;
    }
    seen += j - i;
    tp += tpGroup;
    ap += (tpGroup / total) * (tp / seen);
    i = j;
  }
  return ap;
}

/** Positive rate among the top `fraction` of scores (ties broken by order) over the overall rate. */
export function lift(scores: readonly number[], labels: readonly number[], fraction = 0.1): number {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const top = Math.max(1, Math.round(order.length * fraction));
  let hits = 0;
  for (let k = 0; k < top; k++) hits += labels[order[k] as number] as number;
  const rate = labels.reduce((s, y) => s + y, 0) / Math.max(1, labels.length);
  return rate === 0 ? Number.NaN : hits / top / rate;
}

/** Brier score: the mean of (p − y)². */
export function brier(probabilities: readonly number[], labels: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < probabilities.length; i++) s += ((probabilities[i] as number) - (labels[i] as number)) ** 2;
  return s / Math.max(1, probabilities.length);
}

/** Reliability table over `bins` equal-width probability bins (empty bins are left out). */
export function reliability(probabilities: readonly number[], labels: readonly number[], bins = 10): ReliabilityBin[] {
  const out: ReliabilityBin[] = [];
  for (let b = 0; b < bins; b++) {
    const from = b / bins;
    const to = (b + 1) / bins;
    let count = 0;
    let sumP = 0;
    let sumY = 0;
    for (let i = 0; i < probabilities.length; i++) {
      const p = probabilities[i] as number;
      if (p >= from && (p < to || (b === bins - 1 && p <= 1))) {
        count++;
        sumP += p;
        sumY += labels[i] as number;
      }
    }
    if (count > 0) out.push({ from, to, count, meanPredicted: sumP / count, observedRate: sumY / count });
  }
  return out;
}

/** Every figure for probabilities against 0/1 labels. */
export function metricsOf(probabilities: readonly number[], labels: readonly number[]): Metrics {
  return {
    count: labels.length,
    positives: labels.reduce((s, y) => s + y, 0),
    auc: auc(probabilities, labels),
    prAuc: averagePrecision(probabilities, labels),
    topDecileLift: lift(probabilities, labels),
    brier: brier(probabilities, labels),
    reliability: reliability(probabilities, labels),
  };
}
