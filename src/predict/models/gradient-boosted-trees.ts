/** One tree as flat arrays: node i splits on `feature[i]` (x ≤ `threshold[i]` goes to `left[i]`), or is a leaf (`feature[i]` = −1). */
export interface Tree {
  readonly feature: readonly number[];
  readonly threshold: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  readonly value: readonly number[];
}

/** A fitted gradient-boosted tree ensemble for binary log-loss: probability = σ(base + Σ trees). */
export interface TreeEnsemble {
  readonly type: 'gbt';
  readonly base: number;
  readonly trees: readonly Tree[];
}

/** Options of {@link fitGradientBoostedTrees}; the defaults suit a few thousand to a million rows. */
export interface GbtOptions {
  readonly maxTrees?: number;
  readonly learningRate?: number;
  readonly maxDepth?: number;
  /** Fewest rows in a leaf. */
  readonly minLeaf?: number;
  /** L2 penalty λ on leaf values (value = −G / (H + λ)). */
  readonly lambda?: number;
  /** Quantile bins per feature for split search. */
  readonly bins?: number;
  /** Early stopping: rows (features, label) to watch; training stops after `patience` trees without improvement. */
  readonly validation?: { readonly rows: readonly Float64Array[]; readonly labels: readonly number[] };
  readonly patience?: number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Split candidates per feature: the distinct quantiles of its training values. */
function binEdges(rows: readonly Float64Array[], d: number, bins: number): number[][] {
  const edges: number[][] = [];
  for (let j = 0; j < d; j++) {
    const values = rows.map((r) => r[j] as number).sort((a, b) => a - b);
    const cut = new Set<number>();
    for (let k = 1; k < bins; k++) cut.add(values[Math.floor((k * (values.length - 1)) / bins)] as number);
    edges.push([...cut].sort((a, b) => a - b));
  }
  return edges;
}

/** Bin index of a value: the first edge ≥ v (values above every edge take the last bin). */
function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) >= v) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Gradient boosting for binary classification (Friedman 2001, with XGBoost's second-order leaf values and
 * split gain): histogram split search over quantile bins, depth-limited trees, shrinkage, and early stopping on
 * a held-out set. Written by hand (≈150 lines) because npm has no maintained pure-JavaScript GBT; the one
 * XGBoost port there is a WebAssembly build last released years ago.
 */
export function fitGradientBoostedTrees(rows: readonly Float64Array[], labels: readonly number[], options: GbtOptions = {}): TreeEnsemble {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const maxTrees = options.maxTrees ?? 300;
  const lr = options.learningRate ?? 0.05;
  const maxDepth = options.maxDepth ?? 3;
  const minLeaf = options.minLeaf ?? 20;
  const lambda = options.lambda ?? 1;
  const edges = binEdges(rows, d, options.bins ?? 32);
  const binned = rows.map((r) => Uint8Array.from({ length: d }, (_, j) => binOf(edges[j] as number[], r[j] as number)));
  const positives = labels.reduce((s, y) => s + y, 0);
  const prior = Math.min(Math.max(positives / Math.max(1, n), 1e-6), 1 - 1e-6);
  const base = Math.log(prior / (1 - prior));
  const margin = new Float64Array(n).fill(base);
  const trees: Tree[] = [];
  const valid = options.validation;
  const validMargin = valid ? new Float64Array(valid.rows.length).fill(base) : undefined;
  let bestLoss = Number.POSITIVE_INFINITY;
  let bestCount = 0;
  const patience = options.patience ?? 30;
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  for (let t = 0; t < maxTrees; t++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i] as number);
      g[i] = p - (labels[i] as number);
      h[i] = Math.max(p * (1 - p), 1e-12);
    }
    const tree = { feature: [] as number[], threshold: [] as number[], left: [] as number[], right: [] as number[], value: [] as number[] };
    const grow = (idx: number[], depth: number): number => {
      const node = tree.feature.length;
      tree.feature.push(-1);
      tree.threshold.push(0);
      tree.left.push(-1);
      tree.right.push(-1);
      let G = 0;
      let H = 0;
      for (const i of idx) {
        G += g[i] as number;
        H += h[i] as number;
      }
      tree.value.push((-G / (H + lambda)) * lr);
      if (depth >= maxDepth || idx.length < 2 * minLeaf) return node;
      const parent = (G * G) / (H + lambda);
      let best = { gain: 1e-9, feature: -1, bin: -1 };
      for (let j = 0; j < d; j++) {
        const nb = (edges[j] as number[]).length + 1;
        const hg = new Float64Array(nb);
        const hh = new Float64Array(nb);
        const hc = new Int32Array(nb);
        for (const i of idx) {
          const b = (binned[i] as Uint8Array)[j] as number;
          hg[b] = (hg[b] as number) + (g[i] as number);
          hh[b] = (hh[b] as number) + (h[i] as number);
          hc[b] = (hc[b] as number) + 1;
        }
        let gl = 0;
        let hl = 0;
        let cl = 0;
        for (let b = 0; b < nb - 1; b++) {
          gl += hg[b] as number;
          hl += hh[b] as number;
          cl += hc[b] as number;
          const cr = idx.length - cl;
          if (cl < minLeaf || cr < minLeaf) continue;
          const gr = G - gl;
          const hr = H - hl;
          const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent;
          if (gain > best.gain) best = { gain, feature: j, bin: b };
        }
      }
      if (best.feature < 0) return node;
      const leftIdx: number[] = [];
      const rightIdx: number[] = [];
      for (const i of idx) ((((binned[i] as Uint8Array)[best.feature] as number) <= best.bin ? leftIdx : rightIdx) as number[]).push(i);
      tree.feature[node] = best.feature;
      tree.threshold[node] = (edges[best.feature] as number[])[best.bin] as number;
      tree.left[node] = grow(leftIdx, depth + 1);
      tree.right[node] = grow(rightIdx, depth + 1);
      return node;
    };
    grow(Array.from({ length: n }, (_, i) => i), 0);
    trees.push(tree);
    for (let i = 0; i < n; i++) margin[i] = (margin[i] as number) + treeValue(tree, rows[i] as Float64Array);
    if (valid && validMargin) {
      let loss = 0;
      for (let i = 0; i < valid.rows.length; i++) {
        validMargin[i] = (validMargin[i] as number) + treeValue(tree, valid.rows[i] as Float64Array);
        const p = Math.min(Math.max(sigmoid(validMargin[i] as number), 1e-12), 1 - 1e-12);
        loss -= (valid.labels[i] as number) === 1 ? Math.log(p) : Math.log(1 - p);
      }
      if (loss < bestLoss - 1e-9) {
        bestLoss = loss;
        bestCount = trees.length;
      } else if (trees.length - bestCount >= patience) break;
    }
  }
  return { type: 'gbt', base, trees: valid ? trees.slice(0, Math.max(1, bestCount)) : trees };
}

/** The margin one tree adds for a feature vector. */
export function treeValue(tree: Tree, x: ArrayLike<number>): number {
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    node = (x[tree.feature[node] as number] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return tree.value[node] as number;
}

/** The probability the ensemble gives one feature vector. */
export function predictTrees(model: TreeEnsemble, x: ArrayLike<number>): number {
  let m = model.base;
  for (const tree of model.trees) m += treeValue(tree, x);
  return sigmoid(m);
}
