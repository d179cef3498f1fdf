import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A new run id, `run_` + the entry instant (9 base-36 digits) + a per-process counter (5 digits) + 10 random
 * characters: unique like a random id, but runs entered together sort together.
 *
 * Why: a run's id keys its path entries (`workflow_steps (run_id, n)`), its timer and its actions
 * (`<run id>.<step>.<n>`), and a storm of waits ending together advances the runs that entered together. With
 * random ids every run of a 2,000-run batch dirtied its own page of each of those indexes, so each commit wrote
 * thousands of scattered pages to the WAL; with ids in entry order a batch's entries share pages. The instant is
 * the run's logical entry time (the injected clock's, never the wall clock's), the counter orders runs entered in
 * the same millisecond by one process, the random part keeps ids of several processes (PostgreSQL workers)
 * distinct.
 */
export function newRunId(enteredAt: number): string {
  counter = (counter + 1) % 36 ** 5;
  const time = Math.max(0, Math.floor(enteredAt)).toString(36).padStart(9, '0');
  return `run_${time}${counter.toString(36).padStart(5, '0')}${randomBytes(8).toString('base64url').slice(0, 10)}`;
}
