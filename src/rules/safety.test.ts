import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const rulesDir = dirname(fileURLToPath(import.meta.url));

/**
 * What the rule language must never do: evaluate code, or build a regular expression at run time (which could
 * come from input and backtrack exponentially). The patterns are spelled so that this file does not match them.
 */
const FORBIDDEN: readonly { readonly what: string; readonly pattern: RegExp }[] = [
  { what: 'eval', pattern: /\bev[a]l\s*\(/ },
  { what: 'the Function constructor', pattern: /\bnew\s+Functio[n]\b|\bFunctio[n]\s*\(/ },
  { what: 'the vm module', pattern: /['"](?:node:)?v[m]['"]/ },
  { what: 'a run-time regular expression', pattern: /\bRegEx[p]\s*\(/ },
  { what: 'dynamic import of computed code', pattern: /\bimport\s*\(\s*[^'"\s]/ },
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : /\.(ts|js|mjs|cjs)$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('rule language safety', () => {
  it('scans a real set of files', () => {
    expect(sourceFiles(rulesDir).length).toBeGreaterThan(20);
  });

  it('never evaluates code nor builds regular expressions at run time anywhere under src/rules', () => {
    const findings: string[] = [];
    for (const file of sourceFiles(rulesDir)) {
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const { what, pattern } of FORBIDDEN) {
            if (pattern.test(line)) findings.push(`${relative(rulesDir, file)}:${i + 1} uses ${what}`);
          }
        });
    }
    expect(findings).toEqual([]);
  });

  it('recognises each forbidden construct when it does appear', () => {
    const samples = ['ev' + 'al("1")', 'new Func' + 'tion("x")', "import vm from 'node:v" + "m'", 'new Reg' + 'Exp(input)', 'await imp' + 'ort(path)'];
    samples.forEach((s, i) => expect(FORBIDDEN[i]!.pattern.test(s)).toBe(true));
  });
});
