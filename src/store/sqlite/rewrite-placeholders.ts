/** A statement rewritten for better-sqlite3's positional `?` parameters. */
export interface RewrittenSql {
  readonly sql: string;
  /**
   * For each `?` in order, the 0-based index of the `$N` parameter it stands for; `null` when the `?`s are
   * exactly `$1, $2, …` in order, so the caller's array can be bound as it is.
   */
  readonly order: readonly number[] | null;
}

/**
 * Rewrites PostgreSQL-style `$1, $2, …` placeholders to SQLite's positional `?`, remembering which parameter
 * each `?` takes so that `$2 … $1 … $2` binds correctly. Positional binding is the fastest form in
 * better-sqlite3 (it binds neither SQLite's `?NNN` from an array nor named parameters without a key lookup
 * per value). Placeholders inside single-quoted string literals are left alone, so `'$1'` stays text.
 */
export function rewritePlaceholders(sql: string): RewrittenSql {
  const order: number[] = [];
  const text = sql.replace(/'(?:[^']|'')*'|\$(\d+)/g, (match: string, n: string | undefined) => {
    if (n === undefined) return match;
    order.push(Number(n) - 1);
    return '?';
  });
  const identity = order.every((p, i) => p === i);
  return { sql: text, order: identity ? null : order };
}
