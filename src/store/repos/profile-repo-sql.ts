import type { Identity, IdentityKind, JsonObject, Profile, Subscription, SubscriptionState } from '../../core/index.js';
import { stripNul } from '../internal/strip-nul.js';
import { identityKey, type IdentityRef, type NewProfile, type ProfileRepo, type SeenRange } from '../profile-repo.js';
import type { DialectName } from '../sql-dialect.js';
import type { SqlExecutor } from '../sql-executor.js';
import { IdentityTakenError } from '../write-conflict.js';
import { EventRepoSql } from './event-repo-sql.js';
import { inList, inListParam } from './in-list.js';
import { fromJsonObject, toJson, toNumberOrNull } from './json-column.js';

/** Merges form chains (a → b, then b → c); reads follow at most this many hops, which no real chain reaches. */
const MAX_MERGE_HOPS = 32;

/** The identities to look up, bound as a row set so the statement text does not change with their number. */
const IDENTITY_KEY = [
  ['kind', 'text'],
  ['value', 'text'],
] as const;

/** New identities `(kind, value, profile_id)`. */
const NEW_IDENTITY = [
  ['kind', 'text'],
  ['value', 'text'],
  ['profile_id', 'text'],
] as const;

/** Seen ranges `(id, lo, hi)` for {@link TOUCH_MANY}. */
const SEEN_RANGE = [
  ['id', 'text'],
  ['lo', 'bigint'],
  ['hi', 'bigint'],
] as const;

/** `touch`'s widening of first/last seen to an event-time range `r.lo … r.hi`. */
const WIDEN_SEEN = `
  first_seen_at = CASE WHEN profiles.first_seen_at IS NULL OR profiles.first_seen_at > r.lo THEN r.lo ELSE profiles.first_seen_at END,
  last_seen_at  = CASE WHEN profiles.last_seen_at IS NULL OR profiles.last_seen_at < r.hi THEN r.hi ELSE profiles.last_seen_at END`;

/**
 * {@link ProfileRepoSql.touchMany}'s statement, bound as the dialect's row set of {@link SEEN_RANGE}: the ranges
 * arrive as `[[id, min, max], …]` JSON on SQLite, three arrays on PostgreSQL. The one statement kept per backend
 * (keyed by the dialect's name), because the SQLite text is a plan written for SQLite's planner:
 *
 * SQLite's planner, without table statistics, prefers scanning the workspace's whole primary-key range with the
 * list as the inner loop (an `UPDATE … FROM json_each(…)` joins the target first). The materialised CTE walks
 * the list and looks each profile up instead (the `CROSS JOIN` fixes that order), and the update then finds
 * its rows by rowid.
 */
const TOUCH_MANY: Readonly<Record<DialectName, string>> = {
  sqlite: `WITH r AS MATERIALIZED (
      SELECT p.rowid AS rid, json_extract(j.value, '$[1]') AS lo, json_extract(j.value, '$[2]') AS hi
      FROM json_each($2) j CROSS JOIN profiles p
      WHERE p.workspace_id = $1 AND p.id = json_extract(j.value, '$[0]') AND p.merged_into IS NULL)
    UPDATE profiles SET ${WIDEN_SEEN}, updated_at = $3
    FROM r WHERE profiles.rowid = r.rid
    RETURNING profiles.id`,
  postgres: `UPDATE profiles SET ${WIDEN_SEEN}, updated_at = $5
    FROM unnest($2::text[], $3::bigint[], $4::bigint[]) AS r(id, lo, hi)
    WHERE profiles.workspace_id = $1 AND profiles.id = r.id AND profiles.merged_into IS NULL
    RETURNING profiles.id`,
};

const COLUMNS = `workspace_id, id, traits, subscription_state, subscription_changed_at, subscription_reason, consent,
  created_at, updated_at, first_seen_at, last_seen_at, merged_into`;

interface ProfileRow extends Record<string, unknown> {
  workspace_id: string;
  id: string;
  traits: unknown;
  subscription_state: SubscriptionState;
  subscription_changed_at: number | null;
  subscription_reason: string | null;
  consent: unknown;
  created_at: number;
  updated_at: number;
  first_seen_at: number | null;
  last_seen_at: number | null;
  merged_into: string | null;
}

interface IdentityRow extends Record<string, unknown> {
  profile_id: string;
  kind: IdentityKind;
  value: string;
  first_seen_at: number;
}

function toProfile(row: ProfileRow, identities: readonly Identity[]): Profile {
  return {
    workspaceId: row.workspace_id,
    id: row.id,
    traits: fromJsonObject(row.traits),
    identities,
    subscription: {
      state: row.subscription_state,
      changedAt: toNumberOrNull(row.subscription_changed_at),
      reason: row.subscription_reason,
      consent: fromJsonObject(row.consent) as Readonly<Record<string, boolean>>,
    },
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    firstSeenAt: toNumberOrNull(row.first_seen_at),
    lastSeenAt: toNumberOrNull(row.last_seen_at),
    mergedInto: row.merged_into,
  };
}

/** Top-level merge: `patch` wins, a `null` in `patch` removes the trait. */
function mergeObjects(base: JsonObject, patch: JsonObject): JsonObject {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = value;
  }
  return out;
}

/**
 * {@link ProfileRepo} written once for both dialects on a {@link SqlExecutor}. Read-modify-write operations
 * run in a transaction and, on PostgreSQL, lock the profile row (`FOR UPDATE`) so concurrent trait updates
 * do not lose each other's keys.
 */
export class ProfileRepoSql implements ProfileRepo {
  constructor(private readonly sql: SqlExecutor) {}

  async findByIdentity(workspaceId: string, kind: IdentityKind, value: string): Promise<string | undefined> {
    // Merges move identities to the survivor, so the join almost always answers in one statement.
    const rows = await this.sql.query<{ profile_id: string; merged_into: string | null }>(
      `SELECT i.profile_id, p.merged_into FROM identities i
       LEFT JOIN profiles p ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
       WHERE i.workspace_id = $1 AND i.kind = $2 AND i.value = $3`,
      [workspaceId, kind, value],
    );
    const row = rows[0];
    if (!row) return undefined;
    return row.merged_into === null ? row.profile_id : this.resolve(this.sql, workspaceId, row.merged_into);
  }

  async findByIdentities(workspaceId: string, keys: readonly IdentityRef[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    if (keys.length === 0) return out;
    // NUL is stored as U+FFFD; strip it here too, since a value inside JSON text escapes the executor's stripping.
    const kinds = keys.map((k) => k.kind);
    const values = keys.map((k) => stripNul(k.value));
    const set = this.sql.dialect.rowSet(
      2,
      IDENTITY_KEY,
      keys.map((_, i) => [kinds[i], values[i]]),
      true,
    );
    const rows = await this.sql.query<{ idx: unknown; profile_id: string; merged_into: string | null }>(
      // CROSS JOIN: SQLite takes the list as the outer loop and searches the primary key per entry, where it
      // would otherwise scan all identities of the workspace against the list (it has no statistics).
      `SELECT k.idx, i.profile_id, p.merged_into FROM ${set.sql} k
       CROSS JOIN identities i
       LEFT JOIN profiles p ON p.workspace_id = i.workspace_id AND p.id = i.profile_id
       WHERE i.workspace_id = $1 AND i.kind = k.kind AND i.value = k.value`,
      [workspaceId, ...set.params],
    );
    for (const row of rows) {
      const key = keys[Number(row.idx)]!;
      // Merges move identities to the survivor, so following a merge here is the rare case.
      const id = row.merged_into === null ? row.profile_id : await this.resolve(this.sql, workspaceId, row.merged_into);
      out.set(identityKey(key.kind, key.value), id);
    }
    return out;
  }

  async lockIdentities(workspaceId: string, keys: readonly IdentityRef[]): Promise<boolean> {
    // Why: two processes seeing one new user at once both miss the identity; the second INSERT of it then waits
    // for the first transaction and finds it taken, and two groups inserting new identifiers in opposite orders
    // deadlock on each other's unique-index entries. Locks taken before any identity is written, in one global
    // order, make the later writer wait for the earlier one's commit and then read its profile. SQLite needs
    // none: its writing transaction holds the database's only write lock, so nobody else can attach.
    return this.sql.dialect.lockKeys(
      this.sql,
      keys.map((k) => `${workspaceId}\u0001${k.kind}\u0001${stripNul(k.value)}`),
    );
  }

  async create(workspaceId: string, profileId: string, now: number): Promise<void> {
    await this.sql.execute(
      `INSERT INTO profiles (workspace_id, id, traits, consent, created_at, updated_at)
       VALUES ($1, $2, '{}', '{}', $3, $3)`,
      [workspaceId, profileId, now],
    );
  }

  async createWithIdentities(workspaceId: string, profiles: readonly NewProfile[], now: number): Promise<void> {
    if (profiles.length === 0) return;
    const ids = profiles.map((p) => p.profileId);
    await this.sql.execute(
      `INSERT INTO profiles (workspace_id, id, traits, consent, created_at, updated_at)
       SELECT $1, x.id, '{}', '{}', $3, $3 FROM ${this.sql.dialect.listRows(2, 'id')} AS x`,
      [workspaceId, inListParam(this.sql, ids), now],
    );
    const identities = profiles.flatMap((p) =>
      p.identities.map((i) => ({ kind: i.kind, value: stripNul(i.value), profileId: p.profileId })),
    );
    if (identities.length === 0) return;
    const set = this.sql.dialect.rowSet(
      2,
      NEW_IDENTITY,
      identities.map((i) => [i.kind, i.value, i.profileId]),
    );
    const inserted = await this.sql.query<{ kind: IdentityKind; value: string }>(
      // `WHERE true` tells SQLite's parser that the ON CONFLICT that follows belongs to the INSERT.
      `INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_at)
       SELECT $1, x.kind, x.value, x.profile_id, $${2 + set.params.length} FROM ${set.sql} AS x WHERE true
       ON CONFLICT (workspace_id, kind, value) DO NOTHING RETURNING kind, value`,
      [workspaceId, ...set.params, now],
    );
    if (inserted.length === identities.length) return;
    // An identity that was not inserted must already be the same profile's, as `addIdentity` requires.
    const done = new Set(inserted.map((r) => identityKey(r.kind, r.value)));
    for (const i of identities) {
      if (!done.has(identityKey(i.kind, i.value))) await this.addIdentity(workspaceId, i.profileId, i.kind, i.value, now);
    }
  }

  async addIdentity(workspaceId: string, profileId: string, kind: IdentityKind, value: string, now: number): Promise<void> {
    const rows = await this.sql.query<{ profile_id: string }>(
      `INSERT INTO identities (workspace_id, kind, value, profile_id, first_seen_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, kind, value) DO NOTHING RETURNING profile_id`,
      [workspaceId, kind, value, profileId, now],
    );
    if (rows.length > 0) return;
    const owner = await this.findByIdentity(workspaceId, kind, value);
    if (owner !== profileId) {
      // Within one transaction a bug in the caller (identity resolution must merge first); across processes a
      // lost race for a new identifier, which the caller retries (see IdentityTakenError).
      throw new IdentityTakenError(kind, value, owner, profileId);
    }
  }

  async get(workspaceId: string, profileId: string): Promise<Profile | undefined> {
    const row = await this.followed(this.sql, workspaceId, profileId);
    if (!row) return undefined;
    const identities = await this.identitiesOf(this.sql, workspaceId, [row.id]);
    return toProfile(row, identities.get(row.id) ?? []);
  }

  async mergeTraits(workspaceId: string, profileId: string, traits: JsonObject, now: number): Promise<void> {
    if (Object.keys(traits).length === 0) return;
    await this.sql.transaction(async (tx) => {
      const row = await this.locked(tx, workspaceId, profileId);
      await tx.execute('UPDATE profiles SET traits = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2', [
        workspaceId,
        row.id,
        toJson(mergeObjects(fromJsonObject(row.traits), traits)),
        now,
      ]);
    });
  }

  async touchMany(workspaceId: string, ranges: readonly SeenRange[], now: number): Promise<void> {
    let pending = widest(ranges);
    for (let hop = 0; pending.size > 0; hop++) {
      if (hop > MAX_MERGE_HOPS) throw new Error(`touchMany: a merge chain longer than ${MAX_MERGE_HOPS} (a cycle?)`);
      const batch = [...pending.values()];
      const set = this.sql.dialect.rowSet(
        2,
        SEEN_RANGE,
        batch.map((r) => [r.profileId, r.min, r.max]),
      );
      // Ids are unique in `batch`, so no row is matched twice.
      const updated = await this.sql.query<{ id: string }>(TOUCH_MANY[this.sql.dialect.name], [workspaceId, ...set.params, now]);
      const done = new Set(updated.map((r) => r.id));
      // What was not updated is merged (or missing): widen its survivor in the next round.
      const next: SeenRange[] = [];
      for (const r of batch) {
        if (done.has(r.profileId)) continue;
        const id = await this.resolve(this.sql, workspaceId, r.profileId);
        if (id !== r.profileId) next.push({ ...r, profileId: id });
      }
      pending = widest(next);
    }
  }

  async merge(workspaceId: string, fromId: string, intoId: string, now: number): Promise<void> {
    await this.sql.transaction(async (tx) => {
      // Lock in a fixed order so two merges of the same pair cannot deadlock on PostgreSQL.
      const [first, second] = fromId < intoId ? [fromId, intoId] : [intoId, fromId];
      const a = await this.locked(tx, workspaceId, first);
      const b = await this.locked(tx, workspaceId, second);
      const [from, into] = first === fromId ? [a, b] : [b, a];
      if (from.id === into.id) return;
      const traits = mergeObjects(fromJsonObject(from.traits), fromJsonObject(into.traits));
      const consent = { ...fromJsonObject(from.consent), ...fromJsonObject(into.consent) };
      // The survivor's subscription wins unless it never had one.
      const sub = into.subscription_state === 'unknown' && into.subscription_changed_at === null ? from : into;
      const firstSeen = minOrNull(toNumberOrNull(from.first_seen_at), toNumberOrNull(into.first_seen_at));
      const lastSeen = maxOrNull(toNumberOrNull(from.last_seen_at), toNumberOrNull(into.last_seen_at));
      await tx.execute(
        `UPDATE profiles SET traits = $3, consent = $4, subscription_state = $5, subscription_changed_at = $6,
           subscription_reason = $7, first_seen_at = $8, last_seen_at = $9, updated_at = $10
         WHERE workspace_id = $1 AND id = $2`,
        [
          workspaceId,
          into.id,
          toJson(traits),
          toJson(consent),
          sub.subscription_state,
          sub.subscription_changed_at,
          sub.subscription_reason,
          firstSeen,
          lastSeen,
          now,
        ],
      );
      await tx.execute('UPDATE identities SET profile_id = $3 WHERE workspace_id = $1 AND profile_id = $2', [
        workspaceId,
        from.id,
        into.id,
      ]);
      await new EventRepoSql(tx).reassign(workspaceId, from.id, into.id);
      // Point earlier merges straight at the survivor so reads stay one hop.
      await tx.execute('UPDATE profiles SET merged_into = $3 WHERE workspace_id = $1 AND merged_into = $2', [
        workspaceId,
        from.id,
        into.id,
      ]);
      await tx.execute(
        `UPDATE profiles SET merged_into = $3, traits = '{}', consent = '{}', updated_at = $4
         WHERE workspace_id = $1 AND id = $2`,
        [workspaceId, from.id, into.id, now],
      );
    });
  }

  async mergedInto(workspaceId: string, survivorId: string): Promise<string[]> {
    const rows = await this.sql.query<{ id: string }>('SELECT id FROM profiles WHERE workspace_id = $1 AND merged_into = $2 ORDER BY id', [
      workspaceId,
      survivorId,
    ]);
    return rows.map((r) => r.id);
  }

  async setSubscription(workspaceId: string, profileId: string, subscription: Subscription, now: number): Promise<void> {
    await this.onLiveProfile(workspaceId, profileId, (id) =>
      this.sql.execute(
        `UPDATE profiles SET subscription_state = $3, subscription_changed_at = $4, subscription_reason = $5,
           consent = $6, updated_at = $7
         WHERE workspace_id = $1 AND id = $2 AND merged_into IS NULL`,
        [workspaceId, id, subscription.state, subscription.changedAt, subscription.reason, toJson(subscription.consent), now],
      ),
    );
  }

  async list(workspaceId: string, afterId: string | null, limit: number): Promise<Profile[]> {
    const rows = await this.sql.query<ProfileRow>(
      `SELECT ${COLUMNS} FROM profiles
       WHERE workspace_id = $1 AND id > $2 AND merged_into IS NULL
       ORDER BY id LIMIT $3`,
      [workspaceId, afterId ?? '', limit],
    );
    const identities = await this.identitiesOf(
      this.sql,
      workspaceId,
      rows.map((r) => r.id),
    );
    return rows.map((r) => toProfile(r, identities.get(r.id) ?? []));
  }

  async count(workspaceId: string): Promise<number> {
    const rows = await this.sql.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM profiles WHERE workspace_id = $1 AND merged_into IS NULL',
      [workspaceId],
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Runs a single-row UPDATE (guarded by `merged_into IS NULL`) on the profile itself, the common case in one
   * statement; when it changed nothing because the id was merged, runs it again on the survivor.
   */
  private async onLiveProfile(workspaceId: string, profileId: string, update: (id: string) => Promise<number>): Promise<void> {
    if ((await update(profileId)) > 0) return;
    const id = await this.resolve(this.sql, workspaceId, profileId);
    if (id !== profileId) await update(id);
  }

  /** The id reads should use: `profileId` itself, or the profile it was merged into. */
  private async resolve(sql: SqlExecutor, workspaceId: string, profileId: string): Promise<string> {
    return (await this.followed(sql, workspaceId, profileId))?.id ?? profileId;
  }

  /** The surviving profile's row, following `merged_into`. */
  private async followed(sql: SqlExecutor, workspaceId: string, profileId: string, lock = false): Promise<ProfileRow | undefined> {
    const forUpdate = lock ? sql.dialect.forUpdate : '';
    let id = profileId;
    for (let hop = 0; hop < MAX_MERGE_HOPS; hop++) {
      const rows = await sql.query<ProfileRow>(`SELECT ${COLUMNS} FROM profiles WHERE workspace_id = $1 AND id = $2${forUpdate}`, [
        workspaceId,
        id,
      ]);
      const row = rows[0];
      if (!row || row.merged_into === null) return row;
      id = row.merged_into;
    }
    throw new Error(`profile ${profileId} has a merge chain longer than ${MAX_MERGE_HOPS} (a cycle?)`);
  }

  /** The surviving profile's row, locked for update on PostgreSQL; throws when it does not exist. */
  private async locked(tx: SqlExecutor, workspaceId: string, profileId: string): Promise<ProfileRow> {
    const row = await this.followed(tx, workspaceId, profileId, true);
    if (!row) throw new Error(`profile ${profileId} does not exist in workspace ${workspaceId}`);
    return row;
  }

  private async identitiesOf(sql: SqlExecutor, workspaceId: string, ids: readonly string[]): Promise<Map<string, Identity[]>> {
    const out = new Map<string, Identity[]>();
    if (ids.length === 0) return out;
    const rows =
      ids.length === 1
        ? await sql.query<IdentityRow>(
            `SELECT profile_id, kind, value, first_seen_at FROM identities
             WHERE workspace_id = $1 AND profile_id = $2 ORDER BY first_seen_at, kind, value`,
            [workspaceId, ids[0]],
          )
        : await sql.query<IdentityRow>(
            `SELECT profile_id, kind, value, first_seen_at FROM identities
             WHERE workspace_id = $1 AND ${inList(sql, 'profile_id', 2)} ORDER BY first_seen_at, kind, value`,
            [workspaceId, inListParam(sql, ids)],
          );
    for (const r of rows) {
      const list = out.get(r.profile_id) ?? [];
      list.push({ kind: r.kind, value: r.value, firstSeenAt: Number(r.first_seen_at) });
      out.set(r.profile_id, list);
    }
    return out;
  }
}

/** One range per profile id: the union of its ranges. */
function widest(ranges: readonly SeenRange[]): Map<string, SeenRange> {
  const out = new Map<string, SeenRange>();
  for (const r of ranges) {
    const seen = out.get(r.profileId);
    out.set(r.profileId, seen ? { profileId: r.profileId, min: Math.min(seen.min, r.min), max: Math.max(seen.max, r.max) } : r);
  }
  return out;
}

function minOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOrNull(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
