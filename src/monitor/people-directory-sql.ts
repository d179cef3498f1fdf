import { normaliseEmail } from '../ingest/index.js';
import { inList, inListParam, type DialectName, type SqlExecutor } from '../store/index.js';

/** How a person is shown beside segflow's internal id: their userId and email, when known. */
export interface Contact {
  readonly userId: string | null;
  readonly email: string | null;
}

/** One search hit. */
export interface PersonHit extends Contact {
  readonly profileId: string;
  readonly anonymousId: string | null;
  /** What matched: `id`, `user_id`, `anonymous_id`, `email` (exact or prefix) or `trait`. */
  readonly matchedBy: string;
  readonly lastSeenAt: number | null;
}

/** A segment the person is in now. */
export interface CurrentSegment {
  readonly segmentId: string;
  readonly name: string;
  readonly since: number;
}

const ID_KINDS = ['user_id', 'anonymous_id', 'email'] as const;

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** How search is spelled on each backend. */
interface SearchSql {
  /** A prefix test of `value` from `$3` on (the parameters it binds, given the typed prefix). */
  readonly prefix: { readonly where: string; readonly params: (prefix: string) => unknown[] };
  /** A case-insensitive "contains" test of the traits document against `$2` (a LIKE pattern). */
  readonly traitsContain: string;
  /** A trait's value as text, for the path in `$2` (bound with {@link SearchSql.traitPath}). */
  readonly traitText: string;
  readonly traitPath: (path: string) => string;
}

/**
 * The statements that differ per backend, keyed by the dialect's name (as ProfileRepoSql's touchMany is): they
 * are questions of JSON and collation the shared dialect object does not cover. SQLite compares binary strings,
 * so a range is an exact, indexed prefix test; PostgreSQL's collation orders text differently, so it uses LIKE
 * (correct, not index-assisted). SQLite's LIKE is case-insensitive for ASCII; PostgreSQL needs ILIKE.
 */
const SEARCH_SQL: Readonly<Record<DialectName, SearchSql>> = {
  sqlite: {
    prefix: { where: 'value >= $3 AND value < $4', params: (p) => [p, `${p}\uffff`] },
    traitsContain: `traits LIKE $2 ESCAPE '\\'`,
    traitText: 'CAST(json_extract(traits, $2) AS TEXT)',
    traitPath: (path) => `$.${path}`,
  },
  postgres: {
    prefix: { where: `value LIKE $3 ESCAPE '\\'`, params: (p) => [`${escapeLike(p)}%`] },
    traitsContain: `traits::text ILIKE $2 ESCAPE '\\'`,
    traitText: `(traits #>> string_to_array($2, '.'))`,
    traitPath: (path) => path,
  },
};

/**
 * Read-only queries over the store's profile, identity and membership tables that the admin API needs in bulk
 * and the store's repositories do not offer: the userId/email of many profiles at once (so member lists and
 * change feeds show people, not ids, without one lookup per row), search by identifier, email or trait, and a
 * person's current segments. Written once for both dialects through the {@link SqlExecutor}.
 */
export class PeopleDirectorySql {
  constructor(private readonly sql: SqlExecutor) {}

  /** userId and email of each profile (the earliest seen of each kind); profiles without them map to nulls. */
  async contactsOf(workspaceId: string, profileIds: readonly string[]): Promise<Map<string, Contact>> {
    const out = new Map<string, { userId: string | null; email: string | null }>();
    const ids = [...new Set(profileIds)];
    for (const id of ids) out.set(id, { userId: null, email: null });
    if (ids.length === 0) return out;
    const rows = await this.sql.query<{ profile_id: string; kind: string; value: string }>(
      `SELECT profile_id, kind, value FROM identities
       WHERE workspace_id = $1 AND kind IN ('user_id', 'email') AND ${inList(this.sql, 'profile_id', 2)}
       ORDER BY first_seen_at DESC, value DESC`,
      [workspaceId, inListParam(this.sql, ids)],
    );
    // Newest first, so the last write per kind leaves the earliest identity: a person's first userId is the stable one.
    for (const r of rows) {
      const c = out.get(r.profile_id);
      if (!c) continue;
      if (r.kind === 'user_id') c.userId = r.value;
      else c.email = r.value;
    }
    return out;
  }

  /**
   * Profiles matching `q`: `key=value` searches trait `key` for that exact value; anything else matches a
   * profile id, userId, anonymousId or email exactly, then as a prefix, then any trait value containing it.
   * Exact matches come first; at most `limit` hits, each profile once. Identity lookups use the identity
   * index; the trait search scans profiles and stops at `limit`, so it is the slow path on a large store.
   */
  async search(workspaceId: string, q: string, limit: number): Promise<PersonHit[]> {
    const query = q.trim();
    if (query === '') return [];
    const found = new Map<string, string>();
    const add = (rows: readonly { profile_id: string }[], how: (r: { profile_id: string; kind?: string }) => string): void => {
      for (const r of rows) if (found.size < limit && !found.has(r.profile_id)) found.set(r.profile_id, how(r));
    };
    const trait = /^([A-Za-z_][\w.-]*)\s*=\s*(.+)$/.exec(query);
    if (trait) {
      add(await this.byTrait(workspaceId, trait[1]!, trait[2]!.replace(/^"(.*)"$/, '$1'), limit), () => 'trait');
    } else {
      const email = normaliseEmail(query);
      if (query.startsWith('prof_')) {
        add(await this.sql.query<{ profile_id: string }>('SELECT id AS profile_id FROM profiles WHERE workspace_id = $1 AND id = $2 AND merged_into IS NULL', [workspaceId, query]), () => 'id');
      }
      add(
        await this.sql.query<{ profile_id: string; kind: string }>(
          `SELECT profile_id, kind FROM identities WHERE workspace_id = $1 AND kind IN ('user_id', 'anonymous_id', 'email') AND value IN ($2, $3) LIMIT $4`,
          [workspaceId, query, email ?? query, limit],
        ),
        (r) => r.kind!,
      );
      if (found.size < limit) {
        for (const kind of ID_KINDS) {
          if (found.size >= limit) break;
          const lower = kind === 'email' ? query.toLowerCase() : query;
          const { where, params } = SEARCH_SQL[this.sql.dialect.name].prefix;
          add(
            await this.sql.query<{ profile_id: string; kind: string }>(
              `SELECT profile_id, kind FROM identities WHERE workspace_id = $1 AND kind = $2 AND ${where} ORDER BY value LIMIT ${Math.floor(limit)}`,
              [workspaceId, kind, ...params(lower)],
            ),
            (r) => `${r.kind!} prefix`,
          );
        }
      }
      if (found.size < limit && query.length >= 2) {
        const where = SEARCH_SQL[this.sql.dialect.name].traitsContain;
        add(
          await this.sql.query<{ profile_id: string }>(
            `SELECT id AS profile_id FROM profiles WHERE workspace_id = $1 AND merged_into IS NULL AND ${where} LIMIT $3`,
            [workspaceId, `%${escapeLike(query)}%`, limit],
          ),
          () => 'trait',
        );
      }
    }
    return this.hits(workspaceId, found);
  }

  /** The segments a profile is in now, with the instant it (last) entered, by segment name. */
  async segmentsOf(workspaceId: string, profileId: string): Promise<CurrentSegment[]> {
    const rows = await this.sql.query<{ segment_id: string; name: string; since: number }>(
      `SELECT m.segment_id, s.name, m.since FROM segment_members m JOIN segments s ON s.id = m.segment_id
       WHERE m.workspace_id = $1 AND m.profile_id = $2 ORDER BY s.name`,
      [workspaceId, profileId],
    );
    return rows.map((r) => ({ segmentId: r.segment_id, name: r.name, since: Number(r.since) }));
  }

  private async byTrait(workspaceId: string, key: string, value: string, limit: number): Promise<{ profile_id: string }[]> {
    const path = key.replace(/^traits\./, '');
    const { traitText: extract, traitPath } = SEARCH_SQL[this.sql.dialect.name];
    return this.sql.query<{ profile_id: string }>(
      `SELECT id AS profile_id FROM profiles WHERE workspace_id = $1 AND merged_into IS NULL AND ${extract} = $3 LIMIT $4`,
      [workspaceId, traitPath(path), value, limit],
    );
  }

  private async hits(workspaceId: string, found: Map<string, string>): Promise<PersonHit[]> {
    const ids = [...found.keys()];
    if (ids.length === 0) return [];
    const contacts = await this.contactsOf(workspaceId, ids);
    const rows = await this.sql.query<{ id: string; last_seen_at: number | null }>(
      `SELECT id, last_seen_at FROM profiles WHERE workspace_id = $1 AND ${inList(this.sql, 'id', 2)}`,
      [workspaceId, inListParam(this.sql, ids)],
    );
    const lastSeen = new Map(rows.map((r) => [r.id, r.last_seen_at === null ? null : Number(r.last_seen_at)]));
    const anon = await this.sql.query<{ profile_id: string; value: string }>(
      `SELECT profile_id, value FROM identities WHERE workspace_id = $1 AND kind = 'anonymous_id' AND ${inList(this.sql, 'profile_id', 2)} ORDER BY first_seen_at`,
      [workspaceId, inListParam(this.sql, ids)],
    );
    const anonymous = new Map<string, string>();
    for (const r of anon) if (!anonymous.has(r.profile_id)) anonymous.set(r.profile_id, r.value);
    return ids.map((id) => ({
      profileId: id,
      ...contacts.get(id)!,
      anonymousId: anonymous.get(id) ?? null,
      matchedBy: found.get(id)!,
      lastSeenAt: lastSeen.get(id) ?? null,
    }));
  }
}
