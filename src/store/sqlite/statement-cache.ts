import type Database from 'better-sqlite3';
import { rewritePlaceholders } from './rewrite-placeholders.js';

/** How many prepared statements one connection keeps; repositories use a few dozen distinct texts. */
const CAPACITY = 1000;

/** A prepared statement and how to arrange the caller's `$N` parameters for it. */
export interface CachedStatement {
  readonly statement: Database.Statement;
  /** See {@link RewrittenSql.order}. */
  readonly order: readonly number[] | null;
}

/**
 * Prepared statements of one connection, keyed by the original (`$N`) SQL text. Preparing is the expensive
 * part of a small statement, so the hot path must hit this cache. When it is full (SQL built with varying
 * text, which repositories should avoid) it starts over rather than tracking recency on every hit.
 */
export class StatementCache {
  private readonly statements = new Map<string, CachedStatement>();

  constructor(private readonly db: Database.Database) {}

  /** The prepared statement for `sql`, preparing it on first use. */
  get(sql: string): CachedStatement {
    const cached = this.statements.get(sql);
    if (cached) return cached;
    const rewritten = rewritePlaceholders(sql);
    const entry = { statement: this.db.prepare(rewritten.sql), order: rewritten.order };
    if (this.statements.size >= CAPACITY) this.statements.clear();
    this.statements.set(sql, entry);
    return entry;
  }
}
