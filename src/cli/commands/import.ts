/**
 * @module
 * `segflow import FILE [--format …] [--mapping FILE] [--url URL --write-key KEY | --db FILE | --database-url URL]
 * [--shift-to now|ISO]`: streams history through the ingestion pipeline (validation, dedupe, identity
 * resolution), with a progress bar on a terminal and a summary at the end that says where it wrote.
 *
 * Where to: a running server (`--url`, or the server answering at `SEGFLOW_URL` / the default address when no
 * database is named), through `POST /v1/batch` with the write key, so the server's engine sees the events at
 * once; otherwise the database named by `--db` / `--database-url` (or `SEGFLOW_DB` / `SEGFLOW_DATABASE_URL`,
 * else ./data/segflow.db), written directly. Exit codes: 0 all stored or already there, 1 some messages
 * rejected or unreadable, 2 usage or configuration error.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { loadConfig, openStore, type StorageConfig } from '../../app/index.js';
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
  type IngestBatch,
} from '../../ingest/index.js';
import { DEFAULT_URL } from '../admin-client.js';
import { sendToServer, serverAnswers } from '../server-batch-sender.js';

interface ImportFlags {
  url?: string;
  writeKey?: string;
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

/** Where an import writes: a running server, or a database opened by this process. */
export type ImportTarget =
  | { readonly kind: 'server'; readonly url: string; readonly writeKey: string }
  | { readonly kind: 'database'; readonly storage: StorageConfig };

/** A connection URL without its password, for messages. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  }
}

/** Where the import wrote, in words. */
export function describeTarget(target: ImportTarget): string {
  if (target.kind === 'server') return `the segflow server at ${target.url}`;
  return target.storage.kind === 'sqlite' ? `the SQLite database ${target.storage.file}` : `the PostgreSQL database ${withoutPassword(target.storage.url)}`;
}

/**
 * Chooses where to write: `--url` names a server; `--db` / `--database-url` (or their environment variables) a
 * database; with neither, a server answering at `SEGFLOW_URL` (default address) wins over the default database
 * file, which a server started elsewhere would never read.
 */
export async function chooseTarget(
  flags: Pick<ImportFlags, 'url' | 'writeKey' | 'db' | 'databaseUrl'>,
  env: NodeJS.ProcessEnv,
  answers: (url: string) => Promise<boolean> = serverAnswers,
): Promise<{ ok: true; target: ImportTarget } | { ok: false; errors: string[] }> {
  const writeKey = flags.writeKey ?? env.SEGFLOW_WRITE_KEY;
  const needKey = (url: string, probed: boolean): { ok: false; errors: string[] } => ({
    ok: false,
    errors: [
      `${probed ? `a segflow server answers at ${url}, so the import goes there; it` : `sending to ${url}`} needs the server's write key: ` +
        `pass --write-key KEY or set SEGFLOW_WRITE_KEY${probed ? ' (or pass --db FILE to write to a database file instead)' : ''}`,
    ],
  });
  const database = (): { ok: true; target: ImportTarget } | { ok: false; errors: string[] } => {
    const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl }, env);
    return loaded.ok ? { ok: true, target: { kind: 'database', storage: loaded.config.storage } } : { ok: false, errors: [...loaded.errors] };
  };
  if (flags.url !== undefined) {
    if (flags.db !== undefined || flags.databaseUrl !== undefined) return { ok: false, errors: ['give either --url (a running server) or --db / --database-url, not both'] };
    return writeKey ? { ok: true, target: { kind: 'server', url: flags.url, writeKey } } : needKey(flags.url, false);
  }
  if (flags.db !== undefined || flags.databaseUrl !== undefined || env.SEGFLOW_DB || env.SEGFLOW_DATABASE_URL) return database();
  const url = env.SEGFLOW_URL ?? DEFAULT_URL;
  if (await answers(url)) return writeKey ? { ok: true, target: { kind: 'server', url, writeKey } } : needKey(url, true);
  return database();
}

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

function printSummary(file: string, where: string, viaServer: boolean, s: ImportSummary): void {
  const rate = s.seconds > 0 ? Math.round(s.read / s.seconds) : s.read;
  const lines = [
    `imported ${file} into ${where}`,
    `  messages read   ${s.read.toLocaleString('en-US')}`,
    // The server acknowledges a stored batch without telling new messages from ones it already had.
    ...(viaServer
      ? [`  stored or already there ${(s.accepted + s.duplicates).toLocaleString('en-US')}`]
      : [`  stored          ${s.accepted.toLocaleString('en-US')}`, `  already there   ${s.duplicates.toLocaleString('en-US')}`]),
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
    .option('--url <url>', `send to the segflow server at this address (default: ${DEFAULT_URL} or SEGFLOW_URL when a server answers there)`)
    .option('--write-key <key>', "the server's write key, for --url (env SEGFLOW_WRITE_KEY)")
    .option('--db <file>', 'write to this SQLite database file instead of a server (env SEGFLOW_DB, default ./data/segflow.db)')
    .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env SEGFLOW_DATABASE_URL)')
    .option('--batch-size <n>', 'messages per transaction', '500')
    .option('--shift-to <instant>', 'move all timestamps so the latest lands at this instant ("now" or ISO 8601)')
    .option('--json', 'print the summary as JSON')
    .action(async (file: string, flags: ImportFlags) => {
      const chosen = await chooseTarget(flags, process.env);
      const batchSize = Number(flags.batchSize);
      const shiftTarget = flags.shiftTo === undefined ? undefined : flags.shiftTo === 'now' ? systemClock.now() : Date.parse(flags.shiftTo);
      const usage: string[] = chosen.ok ? [] : [...chosen.errors];
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 2500) usage.push('--batch-size must be an integer from 1 to 2500');
      if (shiftTarget !== undefined && Number.isNaN(shiftTarget)) usage.push('--shift-to must be "now" or an ISO 8601 instant');
      let source: ImportSource | undefined;
      try {
        source = sourceFor(file, flags);
      } catch (err) {
        if (!(err instanceof UsageError)) throw err;
        usage.push(err.message);
      }
      if (usage.length > 0 || !chosen.ok || !source) {
        process.stderr.write(`segflow import: ${usage.join('\n  ')}\n`);
        process.exitCode = 2;
        return;
      }
      const target = chosen.target;
      const src = source;
      const interactive = process.stderr.isTTY && !flags.json;
      const { count, latest } = await countAndLatest(src);
      const shiftMs = shiftTarget !== undefined && latest !== undefined ? shiftTarget - latest : 0;

      const bar = interactive
        ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} messages | {eta_formatted} left', hideCursor: true }, Presets.shades_classic)
        : undefined;
      const where = describeTarget(target);
      if (!flags.json) process.stderr.write(`segflow import: writing to ${where}\n`);
      const finish = (summary: ImportSummary): void => {
        bar?.stop();
        const targetDoc =
          target.kind === 'server'
            ? { kind: 'server', url: target.url }
            : target.storage.kind === 'sqlite'
              ? { kind: 'sqlite', file: target.storage.file }
              : { kind: 'postgres', url: withoutPassword(target.storage.url) };
        if (flags.json) process.stdout.write(`${JSON.stringify({ file, target: targetDoc, shiftMs, ...summary })}\n`);
        else printSummary(file, where, target.kind === 'server', summary);
        process.exitCode = summary.rejected > 0 || summary.lineErrors > 0 ? 1 : 0;
      };
      if (target.kind === 'server') {
        bar?.start(count, 0);
        try {
          finish(await runImport(src, (messages) => sendToServer(target, messages), { batchSize, shiftMs, onProgress: (p) => bar?.update(p.read) }));
        } finally {
          bar?.stop();
        }
        return;
      }
      const store = await openStore(target.storage);
      const ingest = new IngestService(store);
      try {
        const workspace = await store.workspaces.ensureDefault(systemClock.now());
        bar?.start(count, 0);
        const toStore: IngestBatch = async (messages) => {
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
        };
        finish(await runImport(src, toStore, { batchSize, shiftMs, onProgress: (p) => bar?.update(p.read) }));
      } finally {
        bar?.stop();
        await ingest.drain();
        await store.close();
      }
    });
}
