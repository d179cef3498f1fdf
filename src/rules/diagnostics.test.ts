import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { analyzeRule } from './analyze-rule.js';
import { DIAGNOSTICS, diagnostic, formatMessage } from './diagnostics.js';

const docPath = join(dirname(fileURLToPath(import.meta.url)), '../../docs/errors.md');

interface DocEntry {
  code: string;
  title: string;
  severity?: string;
  message?: string;
  example?: string;
}

function readDoc(): DocEntry[] {
  const entries: DocEntry[] = [];
  for (const line of readFileSync(docPath, 'utf8').split('\n')) {
    const heading = /^### (RULE\d{4}) — (.+)$/.exec(line);
    if (heading) entries.push({ code: heading[1]!, title: heading[2]! });
    const entry = entries[entries.length - 1];
    if (!entry) continue;
    const field = /^- (Severity|Message|Example): (?:`` (.*) ``|(\w+))$/.exec(line);
    if (field?.[1] === 'Severity') entry.severity = field[3];
    if (field?.[1] === 'Message') entry.message = field[2];
    if (field?.[1] === 'Example') entry.example = field[2];
  }
  return entries;
}

describe('the diagnostics catalogue', () => {
  it('is mirrored exactly in docs/errors.md: same codes, titles, severities and messages, in order', () => {
    const fromCode = Object.entries(DIAGNOSTICS).map(([code, d]) => ({ code, title: d.title, severity: d.severity, message: d.message }));
    const fromDoc = readDoc().map(({ example: _example, ...rest }) => rest);
    expect(fromDoc).toEqual(fromCode);
  });

  it('has an example in docs/errors.md that really produces its code, wherever one is given', () => {
    const examples = readDoc().filter((e) => e.example !== undefined);
    expect(examples.length).toBeGreaterThan(20);
    for (const e of examples) {
      const codes = analyzeRule(e.example!).diagnostics.map((d) => d.code);
      expect({ example: e.example, codes: codes.includes(e.code as never) ? [e.code] : codes }).toEqual({
        example: e.example,
        codes: [e.code],
      });
    }
  });

  it('uses codes in the RULE1xxx, RULE2xxx and RULE3xxx ranges with warnings only for lint', () => {
    for (const [code, d] of Object.entries(DIAGNOSTICS)) {
      expect(code).toMatch(/^RULE[123]\d{3}$/);
      if (code.startsWith('RULE3')) expect(d.severity).toBe('warning');
    }
  });

  it('fills message holes in order and leaves no hole unfilled', () => {
    expect(formatMessage('a {0} b {1}', ['x', 'y'])).toBe('a x b y');
    expect(diagnostic('RULE1004', ['48x']).message).toBe('Unknown duration unit in 48x; use s, m, h, d or w (e.g. 48h).');
  });
});
