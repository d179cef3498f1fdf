import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { API_ERRORS } from './error-catalogue.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
const section = doc.slice(doc.indexOf('# HTTP API errors'));

/** `code → status` as the tables of docs/errors.md ("HTTP API errors") state it. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of section.matchAll(/^\| `([A-Z_<>a-z]+)` \| ([^|]+) \|/gm)) rows.set(match[1]!, match[2]!.trim());
  return rows;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourcesUnder(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

describe('the API error catalogue', () => {
  it('has a row in docs/errors.md for every code, with the same status', () => {
    const rows = documented();
    const codes = Object.keys(API_ERRORS) as Array<keyof typeof API_ERRORS>;
    expect(codes.length).toBeGreaterThan(40);
    expect(codes.filter((code) => !rows.has(code))).toEqual([]);
    const mismatched = codes.filter((code) => !rows.get(code)!.startsWith(String(API_ERRORS[code].status)));
    expect(mismatched.map((code) => `${code}: catalogue ${API_ERRORS[code].status}, docs ${rows.get(code)}`)).toEqual([]);
  });

  it('documents no API code the catalogue does not know', () => {
    const unknown = [...documented().keys()].filter((code) => !code.includes('<') && !(code in API_ERRORS));
    expect(unknown).toEqual([]);
  });

  it('is the only way the API raises an error: no AppError is built by hand under src/api', () => {
    const offenders = sourcesUnder(join(root, 'src/api'))
      .filter((file) => !file.endsWith('error-catalogue.ts'))
      .filter((file) => /new AppError\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(offenders).toEqual([]);
  });

  it('knows every code ingestion raises outside the API', () => {
    const pipeline = readFileSync(join(root, 'src/ingest/pipeline.ts'), 'utf8');
    const thrown = [...pipeline.matchAll(/new AppError\('([A-Z_]+)', (\d+)/g)].map((m) => [m[1]!, Number(m[2])] as const);
    expect(thrown.length).toBeGreaterThan(0);
    for (const [code, status] of thrown) expect(API_ERRORS[code as keyof typeof API_ERRORS]?.status).toBe(status);
  });
});
