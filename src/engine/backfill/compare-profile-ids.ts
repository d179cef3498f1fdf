/**
 * Orders profile ids as the databases order the `profile_id` column: by Unicode code point, which is UTF-8 byte
 * order (SQLite's BINARY collation; PostgreSQL's `C` / `C.UTF-8`). JavaScript's `<` compares UTF-16 code units,
 * which differs only when one string has a surrogate (a code point above U+FFFF) where the other has a unit in
 * U+E000–U+FFFF: those units are moved above the surrogates before comparing.
 *
 * The backfill checkpoint relies on this order agreeing with the database's: a PostgreSQL database whose default
 * collation is a natural-language one (en_US.UTF-8) orders ids differently, and the live path would treat some
 * profiles as done before the backfill reached them (see docs/engine.md).
 */
export function compareProfileIds(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    return rank(x) - rank(y);
  }
  return a.length - b.length;
}

function rank(unit: number): number {
  return unit >= 0xd800 ? (unit >= 0xe000 ? unit - 0x800 : unit + 0x2000) : unit;
}
