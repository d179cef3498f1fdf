import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BenchRow, Workload } from '../workload.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');
const DATA = join(ROOT, '../shared/data');

/** `segflow import` of the two bundled real data sets into a fresh SQLite file, timed end to end. */
export const importDatasets: Workload = {
  name: 'import',
  description: 'segflow import of the Online Retail and OTTO data sets into a fresh SQLite file',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'segflow-bench-import-'));
    const rows: BenchRow[] = [];
    try {
      for (const file of ['online-retail-2010-12-to-2011-06.csv.gz', 'otto-sessions-sample.jsonl']) {
        const started = performance.now();
        const { stdout } = await run(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), 'import', join(DATA, file), '--db', join(dir, 'import.db'), '--json'], { cwd: ROOT, maxBuffer: 1 << 24 });
        const wall = (performance.now() - started) / 1000;
        const summary = JSON.parse(stdout) as { read: number; accepted: number; seconds: number };
        rows.push(
          { workload: 'import', metric: `${file}: wall time (process start to exit)`, value: wall, unit: 's', target: '', note: `${summary.accepted.toLocaleString('en-US')} messages stored` },
          { workload: 'import', metric: `${file}: messages/s (ingest phase)`, value: summary.read / summary.seconds, unit: 'messages/s', target: '', note: 'batches of 500 through the ingestion pipeline' },
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
