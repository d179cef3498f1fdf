/** One measured figure of a benchmark: what, the value, its unit, and the target it is compared with. */
export interface BenchRow {
  readonly workload: string;
  readonly metric: string;
  readonly value: number;
  readonly unit: string;
  /** Human-readable target, e.g. "≥ 50,000" or "≤ 20"; empty when there is none. */
  readonly target: string;
  /** Whether the value meets the target (undefined when there is no target). */
  readonly met?: boolean;
  /** What bounds it, what was run, caveats. */
  readonly note?: string;
}

/** A benchmark workload: runs against real components on this machine and returns its figures. */
export interface Workload {
  readonly name: string;
  /** One line on what it measures. */
  readonly description: string;
  /** `large`: the sizes the default run leaves out (`npm run bench -- --large`), e.g. 10M stored events. */
  run(options: { readonly quick: boolean; readonly large?: boolean }): Promise<BenchRow[]>;
}
