import { DateTime, IANAZone } from 'luxon';

/** True when `zone` is an IANA time zone name this runtime knows (`Europe/Paris`, `UTC`). */
export function isValidTimeZone(zone: unknown): zone is string {
  return typeof zone === 'string' && zone.length < 64 && IANAZone.isValidZone(zone);
}

/**
 * The first instant at or after `t` at which the local wall clock in `zone` reads `minuteOfDay` (minutes after
 * midnight). Across daylight-saving changes: a local time that does not exist that day (skipped by spring-forward)
 * is taken as the first instant after the gap, i.e. the same elapsed time past the change (luxon shifts forward);
 * a local time that occurs twice (fall-back) is its first occurrence. Luxon does this arithmetic from the
 * runtime's tz database (`Intl`), so there is no table of offsets to keep up to date here.
 */
export function nextLocalTime(t: number, minuteOfDay: number, zone: string): number {
  const local = DateTime.fromMillis(t, { zone });
  const hour = Math.floor(minuteOfDay / 60);
  const minute = minuteOfDay % 60;
  for (let dayOffset = 0; dayOffset <= 2; dayOffset++) {
    const day = local.plus({ days: dayOffset });
    const candidate = DateTime.fromObject({ year: day.year, month: day.month, day: day.day, hour, minute }, { zone }).toMillis();
    // On a fall-back day the wall time occurs twice and luxon may pick the later one: take the earlier if it reads the same.
    for (const shift of [3_600_000, 1_800_000]) {
      const earlier = candidate - shift;
      const local = DateTime.fromMillis(earlier, { zone });
      if (earlier >= t && local.hour === hour && local.minute === minute && local.day === day.day) return earlier;
    }
    if (candidate >= t) return candidate;
  }
  // Unreachable: within two days the time of day recurs.
  throw new Error(`no local ${minuteOfDay} after ${t} in ${zone}`);
}

/** Minutes after local midnight of instant `t` in `zone`. */
export function localMinuteOfDay(t: number, zone: string): number {
  const local = DateTime.fromMillis(t, { zone });
  return local.hour * 60 + local.minute;
}

/**
 * When quiet hours [startMinute, endMinute) local time hold instant `t`: the instant they end; otherwise undefined.
 * `startMinute > endMinute` is a window across midnight (21:00–08:00).
 */
export function quietUntil(t: number, startMinute: number, endMinute: number, zone: string): number | undefined {
  if (startMinute === endMinute) return undefined;
  const m = localMinuteOfDay(t, zone);
  const inside = startMinute < endMinute ? m >= startMinute && m < endMinute : m >= startMinute || m < endMinute;
  return inside ? nextLocalTime(t, endMinute, zone) : undefined;
}
