import type { StoredEvent } from '../core/index.js';
import { eventLogOf, inSql, LogConsumer, type EventRepo, type SqlExecutor } from '../store/index.js';
import { ACTIVITY_CURSOR, WorkspaceActivitySql } from './workspace-activity-sql.js';

const CURSOR = ACTIVITY_CURSOR;

/** What the catalogue records: an event name, a property of an event, or a trait. */
export type CatalogKind = 'event' | 'property' | 'trait';

/** One name seen in the data. `event` is the event a property belongs to ('' for events and traits). */
export interface CatalogEntry {
  readonly kind: CatalogKind;
  readonly event: string;
  readonly name: string;
  /** JSON type of the first value seen: string, number, boolean, object, array or null. */
  readonly valueType: string;
  readonly firstSeen: number;
}

/** The catalogue of one workspace, shaped for the rule editor's autocompletion. */
export interface CatalogView {
  readonly events: readonly string[];
  /** Property names per event name. */
  readonly properties: Readonly<Record<string, readonly { name: string; type: string }[]>>;
  readonly traits: readonly { name: string; type: string }[];
}

/** Options of {@link DataCatalog}. */
export interface DataCatalogOptions {
  /** Events read per step (default 2000). */
  readonly batch?: number;
  /** Names kept per workspace; further new names are ignored (default 5000), so odd data cannot grow it without bound. */
  readonly maxEntriesPerWorkspace?: number;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v === 'object' ? 'object' : typeof v;
}

/**
 * Names seen in the data — event names, each event's property names, trait names — for the rule editor's
 * autocompletion. It follows the event log by its own durable cursor, off the ingestion path: ingestion stays
 * exactly as fast, and the catalogue lags by at most one step. Only names never seen before are written (an
 * in-memory set of known keys per workspace, loaded once), so a steady stream of familiar events costs one
 * cursor update per batch. Bounded per workspace by `maxEntriesPerWorkspace`.
 *
 * Property names are one level deep (`properties.revenue`, not `properties.items.0.sku`): the rule language
 * addresses properties by name.
 */
export class DataCatalog {
  private readonly consumer: LogConsumer<StoredEvent, SqlExecutor>;
  private readonly max: number;
  private readonly known = new Map<string, Set<string>>();

  constructor(
    private readonly sql: SqlExecutor,
    private readonly events: EventRepo,
    options: DataCatalogOptions = {},
  ) {
    this.max = options.maxEntriesPerWorkspace ?? 5000;
    this.consumer = new LogConsumer({
      db: inSql(sql),
      log: eventLogOf(events),
      table: 'monitor_cursors',
      name: CURSOR,
      from: 'start',
      batchSize: options.batch ?? 2000,
      apply: (tx, page) => this.apply(tx, page),
    });
  }

  /** Reads the next batch of events after the catalogue's cursor; true when more may follow. */
  async step(): Promise<boolean> {
    try {
      return (await this.consumer.step()).more;
    } catch (error) {
      // the batch was rolled back: forget what it marked as known, so it is re-read from the table next time
      this.known.clear();
      throw error;
    }
  }

  private async apply(tx: SqlExecutor, page: readonly StoredEvent[]): Promise<void> {
    // The same pass notes each workspace's newest event for the no_events alert (workspace-activity-sql.ts).
    await WorkspaceActivitySql.note(tx, page);
    for (const e of page) {
      const known = await this.knownOf(e.workspaceId);
      for (const entry of entriesOf(e)) {
        const key = `${entry.kind}\u0000${entry.event}\u0000${entry.name}`;
        if (known.has(key) || known.size >= this.max) continue;
        known.add(key);
        await tx.execute(
          `INSERT INTO data_catalog (workspace_id, kind, event, name, value_type, first_seen) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (workspace_id, kind, event, name) DO NOTHING`,
          [e.workspaceId, entry.kind, entry.event, entry.name, entry.valueType, entry.firstSeen],
        );
      }
    }
  }

  /** Follows the log up to its head. */
  async catchUp(): Promise<void> {
    while (await this.step());
  }

  /** The workspace's catalogue, names sorted. */
  async view(workspaceId: string): Promise<CatalogView> {
    const rows = await this.sql.query<{ kind: CatalogKind; event: string; name: string; value_type: string }>(
      'SELECT kind, event, name, value_type FROM data_catalog WHERE workspace_id = $1 ORDER BY kind, event, name',
      [workspaceId],
    );
    const events: string[] = [];
    const properties: Record<string, { name: string; type: string }[]> = {};
    const traits: { name: string; type: string }[] = [];
    for (const r of rows) {
      if (r.kind === 'event') events.push(r.name);
      else if (r.kind === 'trait') traits.push({ name: r.name, type: r.value_type });
      else (properties[r.event] ??= []).push({ name: r.name, type: r.value_type });
    }
    return { events, properties, traits };
  }

  private async knownOf(workspaceId: string): Promise<Set<string>> {
    let set = this.known.get(workspaceId);
    if (!set) {
      const rows = await this.sql.query<{ kind: string; event: string; name: string }>('SELECT kind, event, name FROM data_catalog WHERE workspace_id = $1', [
        workspaceId,
      ]);
      set = new Set(rows.map((r) => `${r.kind}\u0000${r.event}\u0000${r.name}`));
      this.known.set(workspaceId, set);
    }
    return set;
  }
}

/** The catalogue entries one event contributes. */
export function entriesOf(e: StoredEvent): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  if (e.type === 'track' && e.name !== null && e.name !== '') {
    out.push({ kind: 'event', event: '', name: e.name, valueType: 'event', firstSeen: e.timestamp });
    for (const [name, value] of Object.entries(e.properties)) out.push({ kind: 'property', event: e.name, name, valueType: typeOf(value), firstSeen: e.timestamp });
  }
  if (e.type === 'identify') {
    for (const [name, value] of Object.entries(e.traits)) out.push({ kind: 'trait', event: '', name, valueType: typeOf(value), firstSeen: e.timestamp });
  }
  return out;
}
