const UNITS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** Parses a horizon such as `90d`, `12w` or `36h` into milliseconds; undefined when it is not one. */
export function parseHorizon(text: string): number | undefined {
  const m = /^(\d{1,5})([hdw])$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNITS[m[2] as string] as number);
  return ms > 0 ? ms : undefined;
}
