import { describe, expect, it } from 'vitest';
import { bodyDigest, canonicalJson, chainHash, GENESIS_HASH, verifyRows, type AuditEntry, type AuditRecord } from './audit-chain.js';

const entry: AuditEntry = {
  workspaceId: 'ws',
  at: 1,
  actor: 'key:k',
  method: 'PUT',
  route: '/api/segments/:id',
  params: { id: 's' },
  status: 200,
  bodyDigest: null,
  detail: { rule: { before: 'a', after: 'b' } },
};

describe('the audit chain', () => {
  it('writes one canonical JSON text per value, whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: null }] })).toBe(canonicalJson({ a: [{ c: null, d: 2 }], b: 1 }));
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
  });

  it('digests bodies with credential members masked, so a short secret cannot be recovered from the log', () => {
    const a = bodyDigest({ credentials: 'hooks:pass1' });
    expect(a).toBe(bodyDigest({ credentials: 'hooks:guess' }));
    expect(a).toBe(bodyDigest({ credentials: '[secret]' }));
    expect(bodyDigest({ name: 'a', signingKey: 'x' })).not.toBe(bodyDigest({ name: 'b', signingKey: 'x' }));
    expect(bodyDigest(undefined)).toBeNull();
  });

  it('makes every field and the position part of the hash', () => {
    const base = chainHash(GENESIS_HASH, 1, entry);
    expect(chainHash(GENESIS_HASH, 2, entry)).not.toBe(base);
    expect(chainHash('f'.repeat(64), 1, entry)).not.toBe(base);
    for (const changed of [{ status: 500 }, { actor: 'key:x' }, { params: { id: 't' } }, { detail: null }, { at: 2 }]) {
      expect(chainHash(GENESIS_HASH, 1, { ...entry, ...changed })).not.toBe(base);
    }
  });

  it('verifies a chain page by page and names the first row out of order', () => {
    const rows: AuditRecord[] = [];
    let prev = GENESIS_HASH;
    for (let seq = 1; seq <= 4; seq++) {
      const hash = chainHash(prev, seq, entry);
      rows.push({ ...entry, seq, prevHash: prev, hash });
      prev = hash;
    }
    const first = verifyRows(rows.slice(0, 2), { lastHash: GENESIS_HASH, lastSeq: 0, checked: 0 });
    expect(verifyRows(rows.slice(2), first)).toMatchObject({ ok: true, checked: 4, lastHash: prev });
    expect(verifyRows([rows[0]!, rows[2]!], { lastHash: GENESIS_HASH, lastSeq: 0, checked: 0 })).toMatchObject({ ok: false, broken: { seq: 3 } });
    expect(verifyRows([rows[1]!, rows[0]!], { lastHash: rows[0]!.hash, lastSeq: 1, checked: 1 })).toMatchObject({ ok: false, broken: { seq: 1, reason: 'out of order' } });
  });
});
