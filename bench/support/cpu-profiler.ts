/**
 * @module
 * A CPU profile of one phase of a workload (not its set-up): `startCpuProfile()` before the phase, and the
 * returned stop function after it writes a `.cpuprofile` (readable by `bench/tools/cpu-profile-summary.ts` and
 * Chrome's DevTools). Only when the variable named by the caller holds a file path; otherwise a no-op.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/** Starts profiling when `process.env[variable]` names a file; the returned function stops and writes it. */
export async function startCpuProfile(variable: string): Promise<() => Promise<void>> {
  const file = process.env[variable];
  if (!file) return async () => undefined;
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
    process.stderr.write(`cpu profile written to ${file}\n`);
  };
}
