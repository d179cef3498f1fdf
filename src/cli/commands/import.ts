/**
 * @module
 * `segflow import FILE [--format …] [--mapping FILE] [--db FILE | --database-url URL] [--shift-to now|ISO]`:
 * streams history into the store through the ingestion pipeline (validation, dedupe, identity resolution), with
 * a progress bar on a terminal and a summary at the end. Exit codes: 0 all stored or already there, 1 some
 * messages rejected or unreadable, 2 usage or configuration error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig, openStore } from '../../app/index.js';
import { systemClock } from '../../core/index.js';
import {
  checkCsvMapping,
  csvSource,
  IngestService,
  isLineError,
  jsonlSource,
  latestTimestamp,
  onlineRetailSource,
  ottoSource,
  runImport,
  type CsvMapping,
  type ImportSource,
  type ImportSummary,
} from '../../ingest/index.js';

interface ImportFlags {
  format?: string;
  mapping?: string;
  db?: string;
  databaseUrl?: string;
  batchSize?: string;
  shiftTo?: string;
  json?: boolean;
}

const FORMATS = ['jsonl', 'csv', 'online-retail', 'otto'] as const;
type Format = (typeof FORMATS)[number];

/** Guesses the format from the file name: the bundled data sets by name, then by extension. */
export function guessFormat(file: string): Format | undefined {
  const name = basename(file).toLowerCase().replace(/\.gz$/, '');
  if (name.startsWith('online-retail')) return 'online-retail';
  if (name.startsWith('otto')) return 'otto';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson')) return 'jsonl';
  if (name.endsWith('.csv')) return 'csv';
  return undefined;
}

class UsageError extends Error {}

function sourceFor(file: string, flags: ImportFlags): ImportSource {
  const format = (flags.format ?? guessFormat(file)) as Format | undefined;
  if (format === undefined) throw new UsageError(`cannot tell the format of "${file}": pass --format ${FORMATS.join('|')}`);
  if (!FORMATS.includes(format)) throw new UsageError(`unknown format "${String(format)}": use ${FORMATS.join(', ')}`);
  switch (format) {
    case 'jsonl':
      return jsonlSource(file);
    case 'online-retail':
      return onlineRetailSource(file);
    case 'otto':
      return ottoSource(file);
    case 'csv': {
      if (!flags.mapping) throw new UsageError('CSV needs --mapping FILE (see docs/import.md)');
      let mapping: unknown;
      try {
        mapping = JSON.parse(readFileSync(flags.mapping, 'utf8'));
      } catch (err) {
        throw new UsageError(`cannot read mapping ${flags.mapping}: ${(err as Error).message}`);
      }
      const problems = checkCsvMapping(mapping);
      if (problems.length > 0) throw new UsageError(`invalid mapping ${flags.mapping}:\n  - ${problems.join('\n  - ')}`);
      return csvSource(file, mapping as CsvMapping);
    }
  }
}

async function countAndLatest(source: ImportSource): Promise<{ count: number; latest: number | undefined }> {
  let count = 0;
  for await (const r of source.records()) if (!isLineError(r)) count++;
  return { count, latest: await latestTimestamp(source) };
}

function printSummary(file: string, s: ImportSummary): void {
  const rate = s.seconds > 0 ? Math.round(s.read / s.seconds) : s.read;
  const lines = [
    `imported ${file}`,
    `  messages read   ${s.read.toLocaleString('en-US')}`,
    `  stored          ${s.accepted.toLocaleString('en-US')}`,
    `  already there   ${s.duplicates.toLocaleString('en-US')}`,
    `  rejected        ${s.rejected.toLocaleString('en-US')}`,
    `  unreadable      ${s.lineErrors.toLocaleString('en-US')}`,
    `  time            ${s.seconds.toFixed(1)} s (${rate.toLocaleString('en-US')} messages/s)`,
  ];
  for (const e of s.errors.slice(0, 10)) lines.push(`  line ${e.line}: ${e.code}${e.field ? ` ${e.field}` : ''} ${e.detail}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** Adds `segflow import` to the program. */
export function register(program: Command): void {
  program
    .command('import')
    .description('Import history (Segment JSONL, CSV with a mapping, the bundled Online Retail / OTTO data sets)')
    .argument('<file>', 'file to import (.gz is read compressed; - for stdin with --format jsonl)')
    .option('--format <format>', `one of ${FORMATS.join(', ')} (default: guessed from the file name)`)
    .option('--mapping <file>', 'JSON column mapping for CSV (see docs/import.md)')
    .option('--db <file>', 'SQLite database file (env SEGFLOW_DB, default ./data/segflow.db)')
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env SEGFLOW_DATABASE_URL)')
    .option('--batch-size <n>', 'messages per transaction', '500')
    .option('--shift-to <instant>', 'move all timestamps so the latest lands at this instant ("now" or ISO 8601)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, flags: ImportFlags) => {
      const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl });
      const batchSize = Number(flags.batchSize);
      const shiftTarget = flags.shiftTo === undefined ? undefined : flags.shiftTo === 'now' ? systemClock.now() : Date.parse(flags.shiftTo);
      const usage: string[] = loaded.ok ? [] : [...loaded.errors];
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2500) usage.push('--batch-size must be an integer from 1 to 2500');
      if (shiftTarget !== undefined && Number.isNaN(shiftTarget)) usage.push('--shift-to must be "now" or an ISO 8601 instant');
      let source: ImportSource | undefined;
      try {
        source = sourceFor(file, flags);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        usage.push(err.message);
      }
      if (usage.length > 0 || !loaded.ok || !source) {
        process.stderr.write(`segflow import: ${usage.join('\n  ')}\n`);
        process.exitCode = 2;
        return;
      }
      const src = source;
      const interactive = process.stderr.isTTY && !flags.json;
      const { count, latest } = await countAndLatest(src);
      const shiftMs = shiftTarget !== undefined && latest !== undefined ? shiftTarget - latest : 0;

      const store = await openStore(loaded.config.storage);
      const ingest = new IngestService(store);
      const bar = interactive
        ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} messages | {eta_formatted} left', hideCursor: true }, Presets.shades_classic)
        : undefined;
      try {
        const workspace = await store.workspaces.ensureDefault(systemClock.now());
        bar?.start(count, 0);
        const summary = await runImport(
          src,
          async (messages) => {
            const result = await ingest.ingest(workspace.id, messages, {
              receivedAt: systemClock.now(),
              source: `import:${basename(file)}`,
              fieldOf: (i) => `message[${i}]`,
            });
            return {
              accepted: result.accepted,
              duplicates: result.duplicates,
              rejected: result.results.flatMap((r, index) =>
                r.outcome === 'rejected'
                  ? [{ index, code: r.problem.code, detail: r.problem.detail, ...(r.problem.field ? { field: r.problem.field } : {}) }]
                  : [],
              ),
            };
          },
          { batchSize, shiftMs, onProgress: (p) => bar?.update(p.read) },
        );
        bar?.stop();
        if (flags.json) process.stdout.write(`${JSON.stringify({ file, shiftMs, ...summary })}\n`);
        else printSummary(file, summary);
        process.exitCode = summary.rejected > 0 || summary.lineErrors > 0 ? 1 : 0;
      } finally {
        bar?.stop();
        await ingest.drain();
        await store.close();
      }
    });
}
