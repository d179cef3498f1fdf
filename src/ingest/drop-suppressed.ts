import { identifierHash } from '../core/index.js';
import type { SqlExecutor } from '../store/index.js';
import type { GroupJob, JobOutcome } from './group-job.js';
import { identitiesOfMessage } from './prefetch-identities.js';
import { identitiesToLookUp } from './resolve-identity.js';

/**
 * Group-commit step 0: drops the messages that name an erased-and-suppressed person (a tombstone of
 * `erasure_tombstones` holds the SHA-256 of one of their identifiers, see `src/privacy`). A dropped message is
 * reported `suppressed`, is not stored, and is counted on its tombstone, inside the group's transaction — so an
 * erasure that committed before this group is always honoured. Returns the jobs with only the messages kept.
 *
 * Cost: one indexed `LIMIT 1` probe per workspace and group while a workspace has no tombstone; only then are
 * the group's identifiers hashed and looked up (one query per workspace).
 */
export async function dropSuppressed(sql: SqlExecutor, jobs: readonly GroupJob[], outcomes: JobOutcome[]): Promise<GroupJob[]> {
  const workspaces = [...new Set(jobs.map((j) => j.workspaceId))];
  const guarded = new Set<string>();
  for (const ws of workspaces) {
    if ((await sql.query('SELECT 1 AS one FROM erasure_tombstones WHERE workspace_id = $1 LIMIT 1', [ws])).length > 0) guarded.add(ws);
  }
  if (guarded.size === 0) return [...jobs];
  const hashesOf = new Map<GroupJob['prepared'][number], string[]>();
  const byWs = new Map<string, Set<string>>();
  for (const job of jobs) {
    if (!guarded.has(job.workspaceId)) continue;
    const all = byWs.get(job.workspaceId) ?? new Set<string>();
    byWs.set(job.workspaceId, all);
    for (const p of job.prepared) {
      const hashes = identitiesToLookUp(identitiesOfMessage(p.message)).map((i) => identifierHash(job.workspaceId, i.kind, i.value));
      hashesOf.set(p, hashes);
      for (const h of hashes) all.add(h);
    }
  }
  const suppressed = new Map<string, Set<string>>();
  for (const [ws, all] of byWs) {
    const rows = await sql.query<{ hash: string }>(`SELECT hash FROM erasure_tombstones WHERE workspace_id = $1 AND ${sql.dialect.inList('hash', 2)}`, [
      ws,
      sql.dialect.listParam([...all]),
    ]);
    if (rows.length > 0) suppressed.set(ws, new Set(rows.map((r) => r.hash)));
  }
  if (suppressed.size === 0) return [...jobs];
  const dropped = new Map<string, number>();
  const kept = jobs.map((job, j) => {
    const hits = suppressed.get(job.workspaceId);
    if (hits === undefined) return job;
    const prepared = job.prepared.filter((p) => {
      const hit = hashesOf.get(p)?.find((h) => hits.has(h));
      if (hit === undefined) return true;
      const key = `${job.workspaceId}\u0000${hit}`;
      dropped.set(key, (dropped.get(key) ?? 0) + 1);
      outcomes[j]?.set(p.index, { outcome: 'suppressed', type: p.message.type, messageId: p.messageId });
      return false;
    });
    return { ...job, prepared };
  });
  for (const [key, n] of dropped) {
    const [ws, hash] = key.split('\u0000') as [string, string];
    await sql.execute('UPDATE erasure_tombstones SET dropped = dropped + $3 WHERE workspace_id = $1 AND hash = $2', [ws, hash, n]);
  }
  return kept;
}
