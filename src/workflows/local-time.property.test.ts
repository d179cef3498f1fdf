import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextLocalTime, quietUntil } from './local-time.js';

const MINUTE = 60_000;

/** Local minute of day by Intl alone (independent of luxon, which the code under test uses). */
const formats = new Map<string, Intl.DateTimeFormat>();
function localMinute(t: number, zone: string): number {
  let format = formats.get(zone);
  if (!format) formats.set(zone, (format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })));
  const parts = format.formatToParts(new Date(t));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return get('hour') * 60 + get('minute');
}

// Spring-forward and fall-back days of 2026 in three hemispheres / rule sets.
const transitions: { zone: string; day: number }[] = [
  { zone: 'America/New_York', day: Date.UTC(2026, 2, 8) },
  { zone: 'America/New_York', day: Date.UTC(2026, 10, 1) },
  { zone: 'Europe/Berlin', day: Date.UTC(2026, 2, 29) },
  { zone: 'Europe/Berlin', day: Date.UTC(2026, 9, 25) },
  { zone: 'Australia/Sydney', day: Date.UTC(2026, 3, 5) },
  { zone: 'Australia/Sydney', day: Date.UTC(2026, 9, 4) },
];

describe('local-time waits across daylight-saving changes', () => {
  it('wait until HH:MM ends at the first instant the local clock reads HH:MM (or just after a skipped hour), never earlier and never a day late', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...transitions),
        fc.integer({ min: -36 * 4, max: 36 * 4 }).map((q) => q * 15),
        fc.integer({ min: 0, max: 24 * 4 - 1 }).map((q) => q * 15),
        ({ zone, day }, offsetMinutes, target) => {
          const t = day + offsetMinutes * MINUTE;
          const r = nextLocalTime(t, target, zone);
          expect(r).toBeGreaterThanOrEqual(t);
          expect(r - t).toBeLessThanOrEqual(25 * 60 * MINUTE);
          // Every quarter hour before the end reads another time (all offsets involved are whole quarter hours).
          for (let s = t; s < r; s += 15 * MINUTE) {
            if (localMinute(s, zone) === target) expect.unreachable(`the local clock read the target at ${new Date(s).toISOString()}, before ${new Date(r).toISOString()}`);
          }
          const reached = localMinute(r, zone);
          // A local time skipped by spring-forward does not exist that day: the wait ends one hour later on the clock.
          if (reached !== target) expect(reached).toBe((target + 60) % (24 * 60));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('quiet hours hold exactly the instants whose local time is inside the window, and release at its end', () => {
    fc.assert(
      fc.property(fc.constantFrom(...transitions), fc.integer({ min: -36 * 60, max: 36 * 60 }), ({ zone, day }, offsetMinutes) => {
        const t = day + offsetMinutes * MINUTE;
        const m = localMinute(t, zone);
        const until = quietUntil(t, 21 * 60, 8 * 60, zone);
        expect(until !== undefined).toBe(m >= 21 * 60 || m < 8 * 60);
        if (until !== undefined) expect(localMinute(until, zone)).toBe(8 * 60);
      }),
      { numRuns: 300 },
    );
  });
});
