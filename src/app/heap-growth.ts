import { setFlagsFromString } from 'node:v8';

/** The default cap on V8's old-generation growth between major collections, in percent of the live heap. */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

/**
 * The heap growth cap to apply, from `SEGFLOW_HEAP_GROWING_PERCENT` (an integer 10–300; `0` keeps V8's own
 * heuristic; default {@link DEFAULT_HEAP_GROWING_PERCENT}), or undefined when nothing is to be set: the variable
 * is `0`, or the operator passed `--heap-growing-percent` to node themselves (`execArgv` or `NODE_OPTIONS`).
 * Throws on any other value, so that a typo stops the start instead of being ignored.
 */
export function heapGrowingPercent(env: Readonly<Record<string, string | undefined>>, execArgv: readonly string[]): number | undefined {
  const given = [...execArgv, env.NODE_OPTIONS ?? ''].some((a) => /--heap[-_]growing[-_]percent/.test(a));
  if (given) return undefined;
  const raw = env.SEGFLOW_HEAP_GROWING_PERCENT?.trim();
  if (raw === undefined || raw === '') return DEFAULT_HEAP_GROWING_PERCENT;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || (value !== 0 && (value < 10 || value > 300))) {
    throw new Error(`SEGFLOW_HEAP_GROWING_PERCENT must be 0 or an integer from 10 to 300, got "${raw}"`);
  }
  return value === 0 ? undefined : value;
}

/**
 * Caps how far V8 lets the heap grow above what the last major collection found live, for a long-running
 * process whose live heap is bounded (the engine's profile cache is bounded in bytes), so that its RSS is bounded
 * too. Why: V8 sizes the old generation at up to 4× the live heap after each major GC on a machine with much
 * memory when collections look slow next to the program (a loaded machine), so RSS kept climbing for minutes
 * while the live heap sat flat at the cache's bound (docs/engine.md, "Memory": 2.65× the live heap after
 * 600,000 events, 1.8× with a 50 % cap). The price is more frequent major collections (measured there too).
 * `--heap-growing-percent` is read at each collection, so setting it after start-up takes effect. Returns the
 * percent applied, if any.
 */
export function limitHeapGrowth(
  env: Readonly<Record<string, string | undefined>>,
  // NODE_OPTIONS from the process itself: the app's configuration keeps only SEGFLOW_* variables.
  execArgv: readonly string[] = [...process.execArgv, process.env.NODE_OPTIONS ?? ''],
): number | undefined {
  const percent = heapGrowingPercent(env, execArgv);
  if (percent !== undefined) setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}
