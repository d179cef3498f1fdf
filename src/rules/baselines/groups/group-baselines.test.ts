import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../format-diagnostics.js';
import { lintExclusiveGroups, type GroupedSegment } from '../../linter/index.js';

/**
 * Baselines of the workspace-level lint (exclusive-group ties): every `x.segments.json` here (a list of
 * `{ name, group, priority }`) has its warnings, printed as `segflow check` prints diagnostics, in
 * `x.errors.txt`. `UPDATE_BASELINES=1` rewrites them.
 */
const dir = dirname(fileURLToPath(import.meta.url));
const inputs = readdirSync(dir).filter((f) => f.endsWith('.segments.json')).sort();

describe('exclusive-group baselines', () => {
  it('has at least one input', () => {
    expect(inputs.length).toBeGreaterThan(0);
  });

  it.each(inputs)('%s matches its warnings baseline', (input) => {
    const source = readFileSync(join(dir, input), 'utf8');
    const actual = `${formatDiagnostics(lintExclusiveGroups(JSON.parse(source) as GroupedSegment[]), source, input)}\n`;
    const path = join(dir, input.replace(/\.segments\.json$/, '.errors.txt'));
    if (process.env.UPDATE_BASELINES === '1') writeFileSync(path, actual);
    expect(actual).toBe(existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  });
});
