/**
 * @module
 * `segflow erase REF… [--kind KIND] [--no-suppress]`: erases (or suppresses) people through the server's
 * `POST /api/erasures` (the bulk form of `DELETE /api/profiles/{ref}`), and
 * `segflow erase --status ID` shows an erasure's progress. References are anything the server's resolver accepts:
 * `prof_…`, `user_id:…`, `anonymous_id:…`, `email:…`, a bare userId. Exit codes: 0 recorded, 1 the server refused
 * (nobody known by the reference, bad key), 2 bad options. See docs/privacy.md.
 */
import type { Command } from 'commander';
import type { ApiErasure } from '../../api/index.js';
import { addAdminOptions, clientFromOptions, describeProblem } from '../admin-client.js';

const KINDS = ['SUPPRESS_WITH_DELETE', 'DELETE', 'SUPPRESS', 'UNSUPPRESS'] as const;

interface EraseOptions {
  url?: string;
  key?: string;
  json?: boolean;
  kind?: string;
  suppress?: boolean;
  status?: string;
}

/** One erasure in a few lines. */
export function renderErasure(e: ApiErasure, notFound: readonly string[] = []): string {
  const lines = [
    `erasure ${e.id}  ${e.kind}  ${e.status}`,
    `  profiles ${e.profiles}, identifiers hashed ${e.identifiers}, exits ${e.exits}, messages dropped since ${e.dropped}`,
  ];
  const deleted = Object.entries(e.deleted).filter(([, n]) => n > 0);
  if (deleted.length > 0) lines.push(`  deleted: ${deleted.map(([t, n]) => `${t} ${n}`).join(', ')}`);
  if (e.detail !== null) lines.push(`  ${e.detail}`);
  if (notFound.length > 0) lines.push(`  not found: ${notFound.join(', ')}`);
  return lines.join('\n');
}

/** Registers `segflow erase`. */
export function register(program: Command): void {
  addAdminOptions(
    program
      .command('erase')
      .description('erase (or suppress) people and everything held about them; --status ID shows progress')
      .argument('[refs...]', 'profile references: prof_…, user_id:…, anonymous_id:…, email:…, or a bare userId')
      .option('--kind <kind>', `one of ${KINDS.join(', ')} (default SUPPRESS_WITH_DELETE)`)
      .option('--no-suppress', 'erase without dropping their later messages (kind DELETE)')
      .option('--status <id>', 'show the progress of an erasure instead'),
  ).action(async (refs: string[], options: EraseOptions) => {
    const fail = (message: string, code: number): void => {
      process.stderr.write(`segflow erase: ${message}\n`);
      process.exitCode = code;
    };
    const client = clientFromOptions(options);
    if (options.status !== undefined) {
      const res = await client.request<{ erasure: ApiErasure }>('GET', `/api/erasures/${encodeURIComponent(options.status)}`);
      if (!res.ok) return fail(describeProblem(res.problem), 1);
      process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${renderErasure(res.value.erasure)}\n`);
      return;
    }
    if (refs.length === 0) return fail('name at least one person (or --status ID)', 2);
    if (options.kind !== undefined && !(KINDS as readonly string[]).includes(options.kind)) return fail(`--kind must be one of ${KINDS.join(', ')}`, 2);
    if (options.kind !== undefined && options.suppress === false) return fail('--no-suppress and --kind do not go together (--kind DELETE)', 2);
    const kind = options.kind ?? (options.suppress === false ? 'DELETE' : 'SUPPRESS_WITH_DELETE');
    const res = await client.request<{ erasure: ApiErasure; notFound?: string[] }>('POST', '/api/erasures', { kind, refs });
    if (!res.ok) return fail(describeProblem(res.problem), 1);
    process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${renderErasure(res.value.erasure, res.value.notFound ?? [])}\n`);
  });
}
