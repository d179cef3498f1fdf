import type Database from 'better-sqlite3';
import { rewritePlaceholders } from './rewrite-placeholders.js';

/** How many prepared statements one connection keeps; repositories use a few dozen distinct texts. */
const CAPACITY = 500;

/**
 * Prepared statements of one connection, keyed by the original (`$N`) SQL text, least recently used evicted
 * first. Preparing is the expensive part of a small statement, so the hot path must hit this cache.
 */
export class StatementCache {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** The prepared statement for `sql`, preparing it on first use. */
  get(sql: string): Database.Statement {
    const cached = this.statements.get(sql);
    if (cached) {
      // Re-insert to mark as most recently used (Map keeps insertion order).
      this.statements.delete(sql);
      this.statements.set(sql, cached);
      return cached;
    }
    const statement = this.db.prepare(rewritePlaceholders(sql));
    if (this.statements.size >= CAPACITY) {
      const oldest = this.statements.keys().next().value;
      if (oldest !== undefined) this.statements.delete(oldest);
    }
    this.statements.set(sql, statement);
    return statement;
  }
}
