import binomial from '@stdlib/random-base-binomial';
import { beforeAll, describe, expect, it } from 'vitest';
import { absoluteLift, confidenceSequence, effectiveN, proportionMoments, twoProportionZTest } from './index.js';

/**
 * A/A simulations: both arms have the same true rate, so every "significant" result is a false positive.
 * Counts are drawn per day and arm as exact binomials from a seeded Mersenne Twister (stdlib's default PRNG), so the run is
 * reproducible and takes well under a second — the statistics are what is tested, not the engine.
 */
function binomialSampler(seed: number): (n: number, p: number) => number {
  return binomial.factory({ seed });
}

describe('an A/A simulation of 10,000 seeded experiments read daily for 14 days', () => {
  const experiments = 10_000;
  const days = 14;
  const perDay = 400;
  const rate = 0.1;
  let fixedHorizon = 0;
  let naiveDailyPeeking = 0;
  let sequentialDailyPeeking = 0;
  beforeAll(() => {
    const draw = binomialSampler(20_261_203);
    for (let e = 0; e < experiments; e += 1) {
      let xa = 0;
      let xb = 0;
      let n = 0;
      let peekedSignificant = false;
      let sequentialSignificant = false;
      for (let d = 0; d < days; d += 1) {
        xa += draw(perDay, rate);
        xb += draw(perDay, rate);
        n += perDay;
        const z = twoProportionZTest(xa, n, xb, n);
        if (z.pValue.value < 0.05) peekedSignificant = true;
        const diff = absoluteLift(proportionMoments(n, xa), proportionMoments(n, xb), 'proportion');
        if (confidenceSequence(diff.estimate, diff.variance, effectiveN(n, n), days * perDay).significant) sequentialSignificant = true;
        if (d === days - 1 && z.pValue.value < 0.05) fixedHorizon += 1;
      }
      if (peekedSignificant) naiveDailyPeeking += 1;
      if (sequentialSignificant) sequentialDailyPeeking += 1;
    }
  });

  it('has a fixed-horizon false-positive rate of 5% ± 0.5% when read once at the end', () => {
    expect(fixedHorizon / experiments).toBeGreaterThanOrEqual(0.045);
    expect(fixedHorizon / experiments).toBeLessThanOrEqual(0.055);
  });

  it('inflates the false-positive rate well past 5% when the fixed-horizon test is peeked at daily', () => {
    // the reason the sequential test exists: this is the naive dashboard's error rate
    expect(naiveDailyPeeking / experiments).toBeGreaterThan(0.1);
  });

  it('keeps the sequential false-positive rate at or below 5% with daily peeking', () => {
    expect(sequentialDailyPeeking / experiments).toBeLessThanOrEqual(0.05);
    expect(sequentialDailyPeeking).toBeGreaterThan(0);
  });
});

describe('the confidence sequence under continuous peeking', () => {
  it('keeps the false-positive rate at or below 5% when read after every 10 units per arm up to 5,000', () => {
    const experiments = 1_000;
    const batch = 10;
    const looks = 500;
    const draw = binomialSampler(42);
    let falsePositives = 0;
    for (let e = 0; e < experiments; e += 1) {
      let xa = 0;
      let xb = 0;
      let n = 0;
      for (let look = 0; look < looks; look += 1) {
        xa += draw(batch, 0.2);
        xb += draw(batch, 0.2);
        n += batch;
        // the plug-in variance needs some data; the report starts the sequential verdict at 100 units per arm
        if (n < 100) continue;
        const diff = absoluteLift(proportionMoments(n, xa), proportionMoments(n, xb), 'proportion');
        if (confidenceSequence(diff.estimate, diff.variance, effectiveN(n, n), 5_000).significant) {
          falsePositives += 1;
          break;
        }
      }
    }
    expect(falsePositives / experiments).toBeLessThanOrEqual(0.05);
  });

  it('still detects a real +20% lift on a 20% rate by 5,000 units per arm', () => {
    const draw = binomialSampler(7);
    let detected = 0;
    for (let e = 0; e < 200; e += 1) {
      let xa = 0;
      let xb = 0;
      let n = 0;
      for (let look = 0; look < 500; look += 1) {
        xa += draw(10, 0.24);
        xb += draw(10, 0.2);
        n += 10;
        if (n < 100) continue;
        const diff = absoluteLift(proportionMoments(n, xa), proportionMoments(n, xb), 'proportion');
        if (confidenceSequence(diff.estimate, diff.variance, effectiveN(n, n), 5_000).significant) {
          detected += 1;
          break;
        }
      }
    }
    expect(detected / 200).toBeGreaterThan(0.8);
  });
});
