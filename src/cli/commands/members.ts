/**
 * @module
 * `segflow members NAME [--csv] [--limit N]`: a segment's current members with their userId, email and the
 * instant they entered. `--csv` streams every member from the server's CSV export (`?format=csv`) straight to
 * stdout, so a million-member segment never sits in memory; without it, a table of the first `--limit` members
 * (default 50) and the total. Exit codes: 0 done, 1 the server refused (unknown segment, bad key), 2 bad options.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { addAdminOptions, clientFromOptions, describeProblem, DEFAULT_URL } from '../admin-client.js';

/** A member as the API lists it. */
export interface ApiMember {
  readonly profileId: string;
  readonly userId?: string | null;
  readonly email?: string | null;
  readonly since: string;
}

/** Renders members as an aligned table with the total underneath. */
export function renderMemberTable(members: readonly ApiMember[], total: number): string {
  if (members.length === 0) return 'No members.';
  const rows = [['USER ID', 'EMAIL', 'SINCE', 'PROFILE'], ...members.map((m) => [m.userId ?? '', m.email ?? '', m.since, m.profileId])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const table = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
  return `${table}\n${members.length < total ? `${members.length} of ${total} members (--limit N for more, --csv for all)` : `${total} members`}`;
}

interface MembersOptions {
  url?: string;
  key?: string;
  json?: boolean;
  csv?: boolean;
  limit?: string;
}

/** Registers `segflow members`. */
export function register(program: Command): void {
  addAdminOptions(
    program
      .command('members')
      .description("list a segment's members with their userId and email (--csv exports them all)")
      .argument('<segment>', 'segment name or id')
      .option('--csv', 'stream every member as CSV (profileId,userId,email,since) to stdout')
      .option('--limit <n>', 'members to show in the table (1-1000, default 50)'),
  ).action(async (segment: string, options: MembersOptions) => {
    const limit = options.limit === undefined ? 50 : Number(options.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
      process.stderr.write('segflow members: --limit must be an integer from 1 to 1000\n');
      process.exitCode = 2;
      return;
    }
    const path = `/api/segments/${encodeURIComponent(segment)}/members`;
    if (options.csv) {
      const base = (options.url ?? process.env.SEGFLOW_URL ?? DEFAULT_URL).replace(/\/+$/, '');
      const key = options.key ?? process.env.SEGFLOW_ADMIN_KEY;
      const res = await fetch(`${base}${path}?format=csv`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      if (!res.ok || res.body === null) {
        const doc = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
        process.stderr.write(`segflow members: ${doc.code ?? `HTTP_${res.status}`}: ${doc.detail ?? res.statusText}\n`);
        process.exitCode = 1;
        return;
      }
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), process.stdout);
      return;
    }
    const res = await clientFromOptions(options).request<{ members: ApiMember[]; total: number }>('GET', `${path}?limit=${limit}`);
    if (!res.ok) {
      process.stderr.write(`segflow members: ${describeProblem(res.problem)}\n`);
      process.exitCode = 1;
      return;
    }
    process.stdout.write(options.json ? `${JSON.stringify(res.value, null, 2)}\n` : `${renderMemberTable(res.value.members, res.value.total)}\n`);
  });
}
