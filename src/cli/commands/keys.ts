/**
 * @module
 * `segflow keys list|create|revoke` and `segflow workspaces list|create`: API keys and workspaces over the admin
 * API (`--url`/`SEGFLOW_URL`, `--key`/`SEGFLOW_ADMIN_KEY`), documented in docs/security.md. A created key's
 * secret (and a new workspace's two keys) is printed once: the server stores only its hash.
 */
import type { Command } from 'commander';
import { type ApiResult, addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';

interface Options {
  url?: string;
  key?: string;
  json?: boolean;
}

/** A key as the API lists it. */
export interface ApiKeyView {
  readonly id: string;
  readonly kind: 'write' | 'admin';
  readonly prefix: string;
  readonly name?: string;
  readonly createdAt: string;
  readonly revokedAt?: string;
}

/** Renders keys as an aligned table (never secrets: the API has none to show). */
export function renderKeys(keys: readonly ApiKeyView[]): string {
  const rows = [['ID', 'KIND', 'PREFIX', 'NAME', 'CREATED', 'STATE'], ...keys.map((k) => [k.id, k.kind, `${k.prefix}…`, k.name ?? '', k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active'])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

async function run<T>(label: string, options: Options, call: Promise<ApiResult<T>>, human: (value: T) => string): Promise<void> {
  const res = await call;
  if (!res.ok) {
    process.stderr.write(`segflow ${label}: ${describeProblem(res.problem)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${human(res.value)}\n`);
}

const ONCE = 'Shown ONCE and stored only as a hash: save it now.';

/** Registers `segflow keys …` and `segflow workspaces …`. */
export function register(program: Command): void {
  const keys = program.command('keys').description("the workspace's API keys: list, create, revoke");
  addAdminOptions(keys.command('list').description('list the keys (prefixes only; secrets are never stored)')).action(async (o: Options) => {
    await run('keys list', o, clientFromOptions(o).request<{ keys: ApiKeyView[] }>('GET', '/api/keys'), (v) => renderKeys(v.keys));
  });
  addAdminOptions(
    keys
      .command('create')
      .description('create a write or admin key and print its secret once')
      .requiredOption('--kind <kind>', 'write (ingestion only) or admin (everything)')
      .option('--name <label>', 'a label to recognise it by'),
  ).action(async (o: Options & { kind: string; name?: string }) => {
    const body = { kind: o.kind, ...(o.name === undefined ? {} : { name: o.name }) };
    await run('keys create', o, clientFromOptions(o).request<{ key: ApiKeyView; secret: string }>('POST', '/api/keys', body), (v) =>
      [`${v.key.kind} key ${v.key.id}:`, `  ${v.secret}`, ONCE].join('\n'),
    );
  });
  addAdminOptions(keys.command('revoke').description('revoke a key: refused everywhere from the next request on').argument('<id>', 'the key id (see `segflow keys list`)')).action(
    async (id: string, o: Options) => {
      await run('keys revoke', o, clientFromOptions(o).request<{ key: ApiKeyView }>('DELETE', `/api/keys/${encodeURIComponent(id)}`), (v) => `Revoked ${v.key.kind} key ${v.key.id} (${v.key.prefix}…).`);
    },
  );

  const workspaces = program.command('workspaces').description('workspaces (tenants): list, create (operator only)');
  addAdminOptions(workspaces.command('list').description('list workspaces (the operator sees all, a tenant itself)')).action(async (o: Options) => {
    await run('workspaces list', o, clientFromOptions(o).request<{ workspaces: { id: string; name: string; createdAt: string }[] }>('GET', '/api/workspaces'), (v) =>
      v.workspaces.map((w) => `${w.id}  ${w.name}  ${w.createdAt}`).join('\n'),
    );
  });
  addAdminOptions(workspaces.command('create').description('create a workspace with a write key and an admin key, printed once').argument('<name>', 'its name')).action(
    async (name: string, o: Options) => {
      await run(
        'workspaces create',
        o,
        clientFromOptions(o).request<{ workspace: { id: string; name: string }; writeKey: string; adminKey: string }>('POST', '/api/workspaces', { name }),
        (v) => [`workspace ${v.workspace.id} (${v.workspace.name})`, `  write key: ${v.writeKey}`, `  admin key: ${v.adminKey}`, ONCE].join('\n'),
      );
    },
  );
}
