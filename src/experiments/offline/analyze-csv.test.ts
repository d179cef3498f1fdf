import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { analysisJson } from '../report/analysis-json.js';
import { renderAnalysis } from '../report/render-analysis.js';
import { analyzeCsv, describeCsvProblem } from './analyze-csv.js';

const csv = (text: string): Readable => Readable.from([text]);

/** n rows of `arm` with `conversions` ones in `column` (and revenue 10 per conversion). */
function rows(arm: string, n: number, conversions: number): string {
  return Array.from({ length: n }, (_, i) => `${arm},${i < conversions ? 1 : 0},${i < conversions ? 10 + (i % 7) : 0}`).join('\n');
}

describe('analyzeCsv', () => {
  const text = `arm,converted,revenue\n${rows('b', 2000, 300)}\n${rows('a', 2000, 200)}\n`;

  it('compares every arm with the control, rates with the z-test and amounts with Welch', async () => {
    const result = await analyzeCsv(csv(text), { armColumn: 'arm', control: 'a', metrics: ['converted', 'revenue'] });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [a, b] = result.analysis.arms;
    expect(a?.arm).toBe('a');
    expect(result.analysis.metrics.map((m) => m.kind)).toEqual(['proportion', 'mean']);
    expect(b?.metrics.converted?.mean).toBeCloseTo(0.15, 12);
    expect(b?.metrics.converted?.relative.estimate).toBeCloseTo(0.5, 12);
    expect(b?.metrics.converted?.pValue.value).toBeLessThan(1e-5);
    expect(renderAnalysis(result.analysis)).toContain('b beats a on converted by +50%');
  });

  it('writes the compact JSON with the control at lift 0', async () => {
    const result = await analyzeCsv(csv(text), { armColumn: 'arm', control: 'a', metrics: ['converted'] });
    if (!result.ok) throw new Error('expected an analysis');
    const json = analysisJson(result.analysis);
    expect(Object.keys(json)).toEqual(['arms', 'srm']);
    expect(json.arms[0]).toEqual({ arm: 'a', n: 2000, metrics: { converted: { mean: 0.1, lift: 0, liftLow: 0, liftHigh: 0, pValue: 1 } } });
    expect(Object.keys(json.arms[1]?.metrics.converted ?? {})).toEqual(['mean', 'lift', 'liftLow', 'liftHigh', 'pValue']);
    expect(json.srm.pValue).toBe(1);
  });

  it('flags a split that does not match the configured weights', async () => {
    const result = await analyzeCsv(csv(text), { armColumn: 'arm', control: 'a', metrics: ['converted'], weights: { a: 9, b: 1 } });
    expect(result.ok && result.analysis.srm.mismatch).toBe(true);
  });

  it('refuses a blank or non-numeric outcome with its row and column', async () => {
    const result = await analyzeCsv(csv('arm,converted\na,1\nb,yes\n'), { armColumn: 'arm', control: 'a', metrics: ['converted'] });
    expect(result).toEqual({ ok: false, problem: { kind: 'not_a_number', column: 'converted', row: 2, value: 'yes' } });
    if (!result.ok) expect(describeCsvProblem(result.problem)).toBe('row 2, column "converted": "yes" is not a number (use 0/1 for conversions)');
  });

  it('names the columns there are when one is missing', async () => {
    const result = await analyzeCsv(csv('arm,converted\na,1\n'), { armColumn: 'variant', control: 'a', metrics: ['converted'] });
    expect(result).toEqual({ ok: false, problem: { kind: 'missing_column', column: 'variant', columns: ['arm', 'converted'] } });
  });

  it('says when the control arm has no rows', async () => {
    const result = await analyzeCsv(csv('arm,converted\na,1\nb,0\n'), { armColumn: 'arm', control: 'c', metrics: ['converted'] });
    expect(result.ok ? undefined : result.problem.kind).toBe('no_control');
  });

  it('reduces the variance of a metric with a correlated pre-exposure covariate (CUPED)', async () => {
    const lines = ['arm,spend,pre'];
    for (let i = 0; i < 1000; i += 1) {
      const pre = (i * 37) % 101;
      lines.push(`a,${pre + ((i * 13) % 7)},${pre}`, `b,${pre + 1 + ((i * 11) % 7)},${pre}`);
    }
    const plain = await analyzeCsv(csv(lines.join('\n')), { armColumn: 'arm', control: 'a', metrics: ['spend'] });
    const adjusted = await analyzeCsv(csv(lines.join('\n')), { armColumn: 'arm', control: 'a', metrics: ['spend'], covariate: 'pre' });
    if (!plain.ok || !adjusted.ok) throw new Error('expected analyses');
    const width = (r: typeof plain): number => {
      if (!r.ok) return Number.NaN;
      const m = r.analysis.arms[1]?.metrics.spend;
      return (m?.absolute.high ?? 0) - (m?.absolute.low ?? 0);
    };
    expect(width(adjusted)).toBeLessThan(width(plain) / 5);
    expect(adjusted.analysis.arms[1]?.metrics.spend?.absolute.estimate).toBeCloseTo(plain.analysis.arms[1]?.metrics.spend?.absolute.estimate ?? 0, 6);
  });
});
