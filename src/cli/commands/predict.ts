/**
 * @module
 * `segflow predict …`: models trained on the event log, on a store without a running server (like
 * `segflow import`).
 * - `predict train NAME --kind purchase|churn|value --event "Order Completed" --horizon 90d [--as-of ISO]`
 *   trains on a time split, prints the evaluation beside the RFM baseline and saves the next version.
 * - `predict scores NAME [--as-of ISO] --format csv|jsonl` writes `userId,score` for every known person.
 * - `predict import NAME --onnx FILE | --xgboost FILE [--features a,b,…]` brings a model trained elsewhere,
 *   checking its inputs against segflow's features (docs/predictions.md).
 * Exit codes: 0 done, 1 training refused (too little data) or unknown model, 2 usage error.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { loadConfig, openStore } from '../../app/index.js';
import { systemClock } from '../../core/index.js';
import { formatEvaluation, importAndSave, ModelRepoSql, parseHorizon, scoreEveryone, trainAndSave, type ModelKind } from '../../predict/index.js';

interface StoreFlags {
  db?: string;
  databaseUrl?: string;
}

interface TrainFlags extends StoreFlags {
  kind?: string;
  event: string;
  horizon: string;
  asOf?: string;
  json?: boolean;
}

interface ScoresFlags extends StoreFlags {
  asOf?: string;
  format: string;
}

interface ImportFlags extends StoreFlags {
  onnx?: string;
  xgboost?: string;
  features?: string;
  kind: string;
  event: string;
  horizon: string;
}

const KINDS: readonly ModelKind[] = ['purchase', 'churn', 'value'];

function usage(command: string, problems: readonly string[]): void {
  process.stderr.write(`segflow predict ${command}: ${problems.join('\n  ')}\n`);
  process.exitCode = 2;
}

function instant(text: string | undefined, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const t = Date.parse(text);
  if (Number.isNaN(t)) problems.push('--as-of must be an ISO 8601 instant such as 2011-03-31T00:00:00Z');
  return t;
}

/** Adds `segflow predict` to the program. */
export function register(program: Command): void {
  const predict = program.command('predict').description('train prediction models on the event log and export their scores');
  const storeOptions = (c: Command): Command =>
    c
      .option('--db <file>', 'SQLite database file (env SEGFLOW_DB, default ./data/segflow.db)')
      .option('--database-url <url>', 'PostgreSQL URL instead of SQLite (env SEGFLOW_DATABASE_URL)');

  storeOptions(
    predict
      .command('train')
      .description('train a model on a time split and print its evaluation beside an RFM baseline')
      .argument('<name>', 'model name: the score name rules read with score("NAME")')
      .requiredOption('--kind <kind>', `one of ${KINDS.join(', ')}`)
      .option('--event <name>', 'the purchase event', 'Order Completed')
      .option('--horizon <duration>', 'prediction horizon, e.g. 90d, 12w', '90d')
      .option('--as-of <instant>', 'validation cut-off (default: the latest the data covers); training uses one horizon earlier')
      .option('--json', 'print the model summary as JSON'),
  ).action(async (name: string, flags: TrainFlags) => {
    const problems: string[] = [];
    const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl });
    if (!loaded.ok) problems.push(...loaded.errors);
    if (!(KINDS as readonly string[]).includes(flags.kind ?? '')) problems.push(`--kind must be one of ${KINDS.join(', ')}`);
    const horizonMs = parseHorizon(flags.horizon);
    if (horizonMs === undefined) problems.push('--horizon must be a whole number of h, d or w, e.g. 90d');
    const asOf = instant(flags.asOf, problems);
    if (!/^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(name)) problems.push(`"${name}" is not a score name: use letters, digits, _ . - (at most 64, not starting with a digit)`);
    if (problems.length > 0 || !loaded.ok || horizonMs === undefined) return usage('train', problems);
    const store = await openStore(loaded.config.storage);
    try {
      const workspace = await store.workspaces.ensureDefault(systemClock.now());
      const result = await trainAndSave(store, workspace.id, {
        name,
        kind: flags.kind as ModelKind,
        purchaseEvent: flags.event,
        horizonMs,
        ...(asOf === undefined ? {} : { asOf }),
        now: systemClock.now(),
      });
      if (!result.ok) {
        process.stderr.write(`segflow predict train: ${result.reason}\n`);
        process.exitCode = 1;
        return;
      }
      if (flags.json) process.stdout.write(`${JSON.stringify({ ...result.model, predictor: { type: result.model.predictor.type } })}\n`);
      else process.stdout.write(`${formatEvaluation(result.model)}\n`);
      process.exitCode = 0;
    } finally {
      await store.close();
    }
  });

  storeOptions(
    predict
      .command('scores')
      .description('write every known person\'s score: a "userId,score" header and one line per person')
      .argument('<name>', 'model name')
      .option('--as-of <instant>', 'score as of this instant (point in time; default now)')
      .option('--format <format>', 'csv or jsonl', 'csv'),
  ).action(async (name: string, flags: ScoresFlags) => {
    const problems: string[] = [];
    const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl });
    if (!loaded.ok) problems.push(...loaded.errors);
    if (flags.format !== 'csv' && flags.format !== 'jsonl') problems.push('--format must be csv or jsonl');
    const asOf = instant(flags.asOf, problems);
    if (problems.length > 0 || !loaded.ok) return usage('scores', problems);
    const store = await openStore(loaded.config.storage);
    try {
      const workspace = await store.workspaces.ensureDefault(systemClock.now());
      const model = await new ModelRepoSql(store.sql).latest(workspace.id, name);
      if (model === undefined) {
        process.stderr.write(`segflow predict scores: no model named "${name}"; train one with segflow predict train ${name} --kind …\n`);
        process.exitCode = 1;
        return;
      }
      const csv = flags.format === 'csv';
      const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      let out = csv ? 'userId,score\n' : '';
      for await (const p of scoreEveryone(store, workspace.id, model, asOf ?? systemClock.now())) {
        out += csv ? `${quote(p.userId)},${p.score ?? ''}\n` : `${JSON.stringify({ userId: p.userId, score: p.score ?? null })}\n`;
        if (out.length > 65_536) {
          process.stdout.write(out);
          out = '';
        }
      }
      process.stdout.write(out);
      process.exitCode = 0;
    } finally {
      await store.close();
    }
  });

  storeOptions(
    predict
      .command('import')
      .description('import a model trained elsewhere (ONNX or XGBoost JSON), mapped onto segflow features')
      .argument('<name>', 'model name: the score name rules read with score("NAME")')
      .option('--onnx <file>', 'an ONNX binary classifier (probabilities as a tensor, no ZipMap)')
      .option('--xgboost <file>', 'an XGBoost binary:logistic model saved as JSON')
      .option('--features <names>', 'comma-separated segflow feature of each input column, in order (XGBoost default: its feature_names)')
      .option('--kind <kind>', 'purchase or churn (what its probability means)', 'purchase')
      .option('--event <name>', 'the purchase event the features count', 'Order Completed')
      .option('--horizon <duration>', 'the horizon it predicts', '90d'),
  ).action(async (name: string, flags: ImportFlags) => {
    const problems: string[] = [];
    const loaded = loadConfig({ db: flags.db, databaseUrl: flags.databaseUrl });
    if (!loaded.ok) problems.push(...loaded.errors);
    if ((flags.onnx === undefined) === (flags.xgboost === undefined)) problems.push('give exactly one of --onnx FILE or --xgboost FILE');
    if (flags.kind !== 'purchase' && flags.kind !== 'churn') problems.push('--kind must be purchase or churn');
    const horizonMs = parseHorizon(flags.horizon);
    if (horizonMs === undefined) problems.push('--horizon must be a whole number of h, d or w, e.g. 90d');
    let bytes: Uint8Array | undefined;
    const file = flags.onnx ?? flags.xgboost;
    try {
      if (file !== undefined) bytes = readFileSync(file);
    } catch (err) {
      problems.push(`cannot read ${file}: ${(err as Error).message}`);
    }
    if (problems.length > 0 || !loaded.ok || bytes === undefined || horizonMs === undefined) return usage('import', problems);
    const store = await openStore(loaded.config.storage);
    try {
      const workspace = await store.workspaces.ensureDefault(systemClock.now());
      const result = await importAndSave(store, workspace.id, {
        name,
        format: flags.onnx !== undefined ? 'onnx' : 'xgboost',
        bytes,
        ...(flags.features === undefined ? {} : { featureNames: flags.features.split(',').map((f) => f.trim()) }),
        kind: flags.kind as 'purchase' | 'churn',
        purchaseEvent: flags.event,
        horizonMs,
        now: systemClock.now(),
      });
      if (!result.ok) {
        process.stderr.write(`segflow predict import: the model is refused:\n${result.problems.map((p) => `  - ${p}`).join('\n')}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`imported ${name} v${result.model.version} (${result.model.predictor.type}); the running server scores everyone with it within seconds\n`);
      process.exitCode = 0;
    } finally {
      await store.close();
    }
  });
}
