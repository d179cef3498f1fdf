import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const doc = readFileSync(join(root, 'docs/errors.md'), 'utf8');
const section = doc.slice(doc.indexOf('# HTTP API errors'));

/** Every code string thrown by ingestion and the API core, read from the sources. */
function codesInSources(): string[] {
  const files = [
    'src/ingest/ingest-problem.ts',
    'src/ingest/pipeline.ts',
    'src/api/problem.ts',
    'src/api/admin-auth.ts',
    'src/api/gunzip-body.ts',
    'src/api/routes/ingest.ts',
    'src/api/routes/profiles.ts',
    'src/api/routes/health.ts',
    'src/api/session/authenticate-session.ts',
    'src/api/session/session-service.ts',
  ];
  const codes = new Set<string>();
  for (const file of files) {
    for (const match of readFileSync(join(root, file), 'utf8').matchAll(/'((?:INGEST|AUTH)_[A-Z_]+|[A-Z]+(?:_[A-Z]+)+)'/g)) {
      if (!match[1]!.startsWith('FST_') && !match[1]!.startsWith('Z_') && !match[1]!.startsWith('ERR_') && !match[1]!.startsWith('SEGFLOW_')) {
        codes.add(match[1]!);
      }
    }
  }
  // The authenticator's own result codes; the routes translate them into the *_WRITE_KEY / *_ADMIN_KEY codes.
  for (const internal of ['AUTH_MISSING_KEY', 'AUTH_INVALID_KEY']) codes.delete(internal);
  return [...codes].sort();
}

describe('docs/errors.md, section "HTTP API errors"', () => {
  it('documents every problem code the API can answer', () => {
    const codes = codesInSources();
    expect(codes.length).toBeGreaterThan(25);
    expect(codes.filter((code) => !section.includes(`\`${code}\``))).toEqual([]);
  });
});
