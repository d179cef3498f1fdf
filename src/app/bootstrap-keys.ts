import type { ApiKeyKind } from '../core/index.js';
import { generateKey, keyRecord } from '../ingest/index.js';
import type { Store } from '../store/index.js';

/** Advisory lock class serialising key bootstrap across processes (PostgreSQL; SQLite has one writer). */
const BOOTSTRAP_LOCK_CLASS = 0x5ef4;

/** Keys generated on this start: their secrets, to show ONCE (they are stored only as hashes). */
export interface NewKeys {
  readonly workspaceId: string;
  readonly writeKey?: string;
  readonly adminKey?: string;
}

/**
 * Makes sure the default workspace has keys. A key given in the configuration (`SEGFLOW_WRITE_KEY`,
 * `SEGFLOW_ADMIN_KEY`) replaces every key of its kind, so the workspace has exactly that one. Otherwise, a kind
 * without any key gets a freshly generated one, returned so the caller can print it once.
 */
export async function bootstrapKeys(store: Store, configured: { writeKey?: string; adminKey?: string }, now: number): Promise<NewKeys> {
  return store.transaction(async (tx) => {
    // Two processes starting at once on a fresh database would both find no key and insert the same one (a
    // unique violation that killed one of them): the second waits here and then sees the first's keys.
    await tx.sql.dialect.serialise(tx.sql, BOOTSTRAP_LOCK_CLASS);
    const workspace = await tx.workspaces.ensureDefault(now);
    const existing = await tx.workspaces.listKeys(workspace.id);
    const generated: { writeKey?: string; adminKey?: string } = {};
    const wanted: Array<[ApiKeyKind, string | undefined]> = [
      ['write', configured.writeKey],
      ['admin', configured.adminKey],
    ];
    for (const [kind, secret] of wanted) {
      if (secret !== undefined) {
        const record = keyRecord(workspace.id, kind, secret, now);
        const same = existing.filter((k) => k.kind === kind);
        if (same.length === 1 && same[0]!.hash === record.hash) continue;
        await tx.workspaces.removeKeys(workspace.id, kind);
        await tx.workspaces.addKey(record);
      } else if (!existing.some((k) => k.kind === kind)) {
        const { secret: fresh, key } = generateKey(workspace.id, kind, now);
        await tx.workspaces.addKey(key);
        generated[kind === 'write' ? 'writeKey' : 'adminKey'] = fresh;
      }
    }
    return { workspaceId: workspace.id, ...generated };
  });
}

/** The first-start banner: the new keys in a box, with the advice to store them now. */
export function keysBanner(keys: NewKeys): string {
  const lines = [
    'segflow created API keys for the default workspace.',
    'They are shown ONCE and stored only as hashes: save them now.',
    '',
    ...(keys.writeKey ? [`write key (ingestion, /v1/*):  ${keys.writeKey}`] : []),
    ...(keys.adminKey ? [`admin key (admin API, /api/*): ${keys.adminKey}`] : []),
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const border = `+${'-'.repeat(width + 2)}+`;
  return [border, ...lines.map((l) => `| ${l.padEnd(width)} |`), border].join('\n');
}
