/** Units a duration may be written in: seconds, minutes, hours, days, weeks. */
export type DurationUnit = 's' | 'm' | 'h' | 'd' | 'w';

/** A duration as written (`48h` is `{ amount: 48, unit: 'h' }`, never normalised to `2d`). */
export interface Duration {
  readonly amount: number;
  readonly unit: DurationUnit;
}

const UNIT_MS: Readonly<Record<DurationUnit, number>> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The length of a duration in milliseconds. */
export function durationMs(d: Duration): number {
  return d.amount * UNIT_MS[d.unit];
}
