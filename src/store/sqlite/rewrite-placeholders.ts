/**
 * Rewrites PostgreSQL-style `$1, $2, …` placeholders to better-sqlite3 named parameters `@p1, @p2, …`
 * (better-sqlite3 does not bind SQLite's numbered `?NNN` form from an array). Placeholders inside
 * single-quoted string literals are left alone, so `'$1'` stays text.
 */
export function rewritePlaceholders(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|\$(\d+)/g, (match: string, n: string | undefined) =>
    n === undefined ? match : `@p${n}`,
  );
}
