import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const folder = fileURLToPath(new URL('.', import.meta.url));
const sources = readdirSync(folder).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));

describe('the reference evaluator stays pure', () => {
  it('has source files to check', () => {
    expect(sources).toContain('evaluate.ts');
  });
  it.each(sources)('%s reads no clock, runs no code and does no I/O', (file) => {
    const text = readFileSync(`${folder}${file}`, 'utf8');
    for (const banned of [/Date\.now\s*\(/, /\beval\s*\(/, /new\s+Function\b/, /from\s+'node:/, /\bsetTimeout\s*\(/, /\bMath\.random\s*\(/]) {
      expect(text, `${file} must not match ${banned.source}`).not.toMatch(banned);
    }
  });
});
