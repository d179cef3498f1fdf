/**
 * @module
 * An in-memory {@link Store} for unit tests of ingestion and the API: the repository interfaces with plain
 * maps behind them. Transactions are serialised and roll back by snapshot. Not a storage adapter: no SQL.
 */
import type { ApiKey, ApiKeyKind, IdentityKind, JsonObject, NewEvent, Profile, StoredEvent, Subscription, Workspace } from '../../core/index.js';
import type { AppendResult, EventRepo, ProfileEventsQuery, ProfileRepo, Repos, SqlExecutor, Store, WorkspaceRepo } from '../../store/index.js';
import { IdentityTakenError, identityKey, sqliteDialect } from '../../store/index.js';

interface State {
  workspaces: Map<string, Workspace>;
  keys: Map<string, ApiKey>;
  settings: Map<string, unknown>;
  profiles: Map<string, Profile>;
  identities: Map<string, string>;
  events: StoredEvent[];
  seq: number;
  authGeneration: number;
}

const clone = (s: State): State => ({
  workspaces: new Map(s.workspaces),
  keys: new Map(s.keys),
  settings: new Map(s.settings),
  profiles: new Map(s.profiles),
  identities: new Map(s.identities),
  events: [...s.events],
  seq: s.seq,
  authGeneration: s.authGeneration,
});

// No SQL, except that the memory store holds no erasure tombstones: ingestion's suppression probe
// (`drop-suppressed.ts`) reads an empty table, as on a real store where nobody was erased.
const noSql: SqlExecutor = {
  dialect: sqliteDialect,
  query: <R,>(text: string) =>
    /^SELECT 1 AS one FROM erasure_tombstones /.test(text) ? Promise.resolve([] as R[]) : Promise.reject(new Error('memory store has no SQL')),
  execute: () => Promise.reject(new Error('memory store has no SQL')),
  script: () => Promise.reject(new Error('memory store has no SQL')),
  transaction: () => Promise.reject(new Error('memory store has no SQL')),
};

/** An in-memory store; `failNextTransaction` makes the next transaction throw (to test error paths). */
export class MemoryStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly sql = noSql;
  state: State = {
    workspaces: new Map(),
    keys: new Map(),
    settings: new Map(),
    profiles: new Map(),
    identities: new Map(),
    events: [],
    seq: 0,
    authGeneration: 1,
  };
  transactions = 0;
  failNextTransaction = false;
  private chain: Promise<unknown> = Promise.resolve();

  readonly workspaces: WorkspaceRepo = {
    ensureDefault: async (now) => {
      const existing = this.state.workspaces.get('ws_default');
      if (existing) return existing;
      const ws = { id: 'ws_default', name: 'Default', createdAt: now };
      this.state.workspaces.set(ws.id, ws);
      return ws;
    },
    get: async (id) => this.state.workspaces.get(id),
    create: async (ws) => void this.state.workspaces.set(ws.id, ws),
    list: async () => [...this.state.workspaces.values()],
    addKey: async (key) => void this.state.keys.set(key.id, key),
    findKeyByHash: async (hash) => [...this.state.keys.values()].find((k) => k.hash === hash),
    listKeys: async (ws) => [...this.state.keys.values()].filter((k) => k.workspaceId === ws),
    removeKeys: async (ws: string, kind: ApiKeyKind) => {
      for (const [id, k] of this.state.keys) if (k.workspaceId === ws && k.kind === kind) this.state.keys.delete(id);
      this.state.authGeneration += 1;
    },
    revokeKey: async (ws, keyId, now) => {
      const key = this.state.keys.get(keyId);
      if (!key || key.workspaceId !== ws) return undefined;
      if (key.revokedAt !== undefined) return key;
      const revoked = { ...key, revokedAt: now };
      this.state.keys.set(keyId, revoked);
      this.state.authGeneration += 1;
      return revoked;
    },
    authGeneration: async () => this.state.authGeneration,
    getSetting: async (ws, name) => this.state.settings.get(`${ws}/${name}`),
    setSetting: async (ws, name, value) => void this.state.settings.set(`${ws}/${name}`, value),
  };

  private follow(ws: string, id: string): Profile | undefined {
    let p = this.state.profiles.get(`${ws}/${id}`);
    while (p?.mergedInto) p = this.state.profiles.get(`${ws}/${p.mergedInto}`);
    return p;
  }

  private put(p: Profile): void {
    this.state.profiles.set(`${p.workspaceId}/${p.id}`, p);
  }

  readonly profiles: ProfileRepo = {
    findByIdentity: async (ws, kind, value) => {
      const id = this.state.identities.get(`${ws}/${kind}/${value}`);
      return id === undefined ? undefined : this.follow(ws, id)?.id;
    },
    findByIdentities: async (ws, keys) => {
      const out = new Map<string, string>();
      for (const { kind, value } of keys) {
        const id = await this.profiles.findByIdentity(ws, kind, value);
        if (id !== undefined) out.set(identityKey(kind, value), id);
      }
      return out;
    },
    // Transactions are serialised: no other writer can attach an identifier meanwhile.
    lockIdentities: async () => false,
    create: async (ws, id, now) =>
      this.put({
        workspaceId: ws,
        id,
        traits: {},
        identities: [],
        subscription: { state: 'unknown', changedAt: null, reason: null, consent: {} },
        createdAt: now,
        updatedAt: now,
        firstSeenAt: null,
        lastSeenAt: null,
        mergedInto: null,
      }),
    createWithIdentities: async (ws, profiles, now) => {
      for (const p of profiles) {
        if (this.state.profiles.has(`${ws}/${p.profileId}`)) throw new Error(`profile ${p.profileId} exists`);
        await this.profiles.create(ws, p.profileId, now);
        for (const i of p.identities) await this.profiles.addIdentity(ws, p.profileId, i.kind, i.value, now);
      }
    },
    addIdentity: async (ws, id, kind: IdentityKind, value, now) => {
      const key = `${ws}/${kind}/${value}`;
      const owner = this.state.identities.get(key);
      if (owner === id) return;
      if (owner !== undefined) throw new IdentityTakenError(kind, value, owner, id);
      this.state.identities.set(key, id);
      const p = this.follow(ws, id)!;
      this.put({ ...p, identities: [...p.identities, { kind, value, firstSeenAt: now }] });
    },
    get: async (ws, id) => this.follow(ws, id),
    mergeTraits: async (ws, id, traits: JsonObject, now) => {
      const p = this.follow(ws, id)!;
      const next: Record<string, unknown> = { ...p.traits };
      for (const [k, v] of Object.entries(traits)) {
        if (v === null) delete next[k];
        else next[k] = v;
      }
      this.put({ ...p, traits: next, updatedAt: now });
    },
    touchMany: async (ws, ranges, now) => {
      for (const r of ranges) {
        const p = this.follow(ws, r.profileId);
        if (!p) continue;
        this.put({
          ...p,
          firstSeenAt: p.firstSeenAt === null ? r.min : Math.min(p.firstSeenAt, r.min),
          lastSeenAt: p.lastSeenAt === null ? r.max : Math.max(p.lastSeenAt, r.max),
          updatedAt: now,
        });
      }
    },
    mergedInto: async (ws, survivor) =>
      [...this.state.profiles.values()].filter((p) => p.workspaceId === ws && p.mergedInto === survivor).map((p) => p.id).sort(),
    merge: async (ws, fromId, intoId, now) => {
      const from = this.follow(ws, fromId)!;
      const into = this.follow(ws, intoId)!;
      for (const i of from.identities) this.state.identities.set(`${ws}/${i.kind}/${i.value}`, into.id);
      this.state.events = this.state.events.map((e) => (e.workspaceId === ws && e.profileId === from.id ? { ...e, profileId: into.id } : e));
      const firsts = [from.firstSeenAt, into.firstSeenAt].filter((x): x is number => x !== null);
      const lasts = [from.lastSeenAt, into.lastSeenAt].filter((x): x is number => x !== null);
      this.put({
        ...into,
        traits: { ...from.traits, ...into.traits },
        identities: [...into.identities, ...from.identities],
        firstSeenAt: firsts.length ? Math.min(...firsts) : null,
        lastSeenAt: lasts.length ? Math.max(...lasts) : null,
        updatedAt: now,
      });
      this.put({ ...from, mergedInto: into.id, identities: [], updatedAt: now });
    },
    setSubscription: async (ws, id, subscription: Subscription, now) => {
      const p = this.follow(ws, id)!;
      this.put({ ...p, subscription, updatedAt: now });
    },
    list: async (ws, afterId, limit) =>
      [...this.state.profiles.values()]
        .filter((p) => p.workspaceId === ws && p.mergedInto === null && (afterId === null || p.id > afterId))
        .sort((a, b) => (a.id < b.id ? -1 : 1))
        .slice(0, limit),
    count: async (ws) => [...this.state.profiles.values()].filter((p) => p.workspaceId === ws && p.mergedInto === null).length,
  };

  readonly events: EventRepo = {
    append: async (events: readonly NewEvent[]): Promise<AppendResult> => {
      const inserted: StoredEvent[] = [];
      const duplicates: string[] = [];
      for (const e of events) {
        if (this.state.events.some((x) => x.workspaceId === e.workspaceId && x.messageId === e.messageId)) {
          duplicates.push(e.messageId);
          continue;
        }
        const stored = { ...e, seq: ++this.state.seq };
        this.state.events.push(stored);
        inserted.push(stored);
      }
      return { inserted, duplicates };
    },
    existing: async (ws, ids) => {
      const wanted = new Set(ids);
      return new Set(this.state.events.filter((e) => e.workspaceId === ws && wanted.has(e.messageId)).map((e) => e.messageId));
    },
    listByProfile: async (ws, profileId, q: ProfileEventsQuery) =>
      this.state.events
        .filter((e) => e.workspaceId === ws && e.profileId === profileId && (q.beforeSeq === undefined || e.seq < q.beforeSeq))
        .filter((e) => !q.names || (e.name !== null && q.names.includes(e.name)))
        .sort((a, b) => b.seq - a.seq)
        .slice(0, q.limit),
    historyOf: async (ws, profileId) =>
      this.state.events.filter((e) => e.workspaceId === ws && e.profileId === profileId).sort((a, b) => a.timestamp - b.timestamp || a.seq - b.seq),
    historiesOf: async (ws, ids, upto) =>
      new Map(ids.map((id) => [id, this.state.events.filter((e) => e.workspaceId === ws && e.profileId === id && e.seq <= upto)])),
    scanHistories: (ws, scan) => {
      const events = this.state.events.filter((e) => e.workspaceId === ws && e.seq <= scan.uptoSeq);
      const ids = [...new Set(events.map((e) => e.profileId))].sort();
      return (async function* () {
        for (const profileId of ids) yield { profileId, events: events.filter((e) => e.profileId === profileId) };
      })();
    },
    readLog: async (after, limit) => this.state.events.filter((e) => e.seq > after).slice(0, limit),
    headSeq: async () => this.state.seq,
    // One partition, as on SQLite.
    partitions: async () => 1,
    readPartition: async (part, after, limit) => (part === 0 ? this.state.events.filter((e) => e.seq > after).slice(0, limit) : []),
    partitionLag: async (part, after) => {
      const behind = part === 0 ? this.state.events.filter((e) => e.seq > after) : [];
      return { events: behind.length, oldestReceivedAt: behind[0]?.receivedAt ?? null };
    },
    reassign: async (ws, from, into) => {
      this.state.events = this.state.events.map((e) => (e.workspaceId === ws && e.profileId === from ? { ...e, profileId: into } : e));
    },
    count: async (ws) => this.state.events.filter((e) => e.workspaceId === ws).length,
  };

  async migrate(): Promise<void> {}

  transaction<T>(fn: (tx: Repos) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      this.transactions += 1;
      const snapshot = clone(this.state);
      try {
        if (this.failNextTransaction) {
          this.failNextTransaction = false;
          throw new Error('injected transaction failure');
        }
        return await fn(this);
      } catch (error) {
        this.state = snapshot;
        throw error;
      }
    };
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
