import { existsSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeRule } from '../analyze-rule.js';
import { formatDiagnostics } from '../format-diagnostics.js';
import { formatRuleText } from '../printer/index.js';

/**
 * Baseline tests, as the TypeScript compiler has them: every `x.rule` here has its diagnostics, printed as
 * `segflow check` prints them, in `x.errors.txt` (absent when there are none) and its canonical form in
 * `x.formatted.rule` (absent when it does not parse). `UPDATE_BASELINES=1 npx vitest run src/rules/baselines`
 * rewrites them; review the diff like code.
 */
const dir = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_BASELINES === '1';
const inputs = readdirSync(dir)
  .filter((f) => f.endsWith('.rule') && !f.endsWith('.formatted.rule'))
  .sort();

function expectBaseline(file: string, actual: string | undefined): void {
  const path = join(dir, file);
  if (update) {
    if (actual === undefined) {
      if (existsSync(path)) unlinkSync(path);
    } else {
      writeFileSync(path, actual);
    }
    return;
  }
  const expected = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
  expect(actual, `${file} differs from its baseline; run with UPDATE_BASELINES=1 and review the diff`).toBe(expected);
}

describe('rule baselines', () => {
  it('has the DESIGN examples and at least fifteen erroneous inputs', () => {
    expect(inputs.filter((f) => f.startsWith('design-')).length).toBe(15);
    expect(inputs.filter((f) => f.startsWith('error-')).length).toBeGreaterThanOrEqual(15);
  });

  it.each(inputs)('%s matches its diagnostics and formatted baselines', (input) => {
    const source = readFileSync(join(dir, input), 'utf8');
    const base = input.slice(0, -'.rule'.length);
    const { diagnostics } = analyzeRule(source);
    expectBaseline(`${base}.errors.txt`, diagnostics.length > 0 ? `${formatDiagnostics(diagnostics, source, input)}\n` : undefined);
    const formatted = formatRuleText(source);
    expectBaseline(`${base}.formatted.rule`, formatted.ok ? formatted.text : undefined);
    if (base.startsWith('error-')) expect(diagnostics.some((d) => d.severity === 'error')).toBe(true);
    if (base.startsWith('design-')) {
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      // DESIGN examples are already canonical: formatting leaves them as written.
      expect(formatted.ok && formatted.text).toBe(source);
    }
  });

  it('has no baseline file without an input', () => {
    const stale = readdirSync(dir).filter(
      (f) =>
        (f.endsWith('.errors.txt') || f.endsWith('.formatted.rule')) &&
        !inputs.includes(f.replace(/\.(errors\.txt|formatted\.rule)$/, '.rule')),
    );
    expect(stale).toEqual([]);
  });
});
