import { expect, it } from 'vitest';
import { describeEachStore } from '../../store/testing/index.js';
import type { AuditEntry } from './audit-chain.js';
import { AuditLogSql } from './audit-log-sql.js';

const entry = (i: number, over: Partial<AuditEntry> = {}): AuditEntry => ({
  workspaceId: i % 2 === 0 ? 'ws_a' : 'ws_b',
  at: 1_000 * i,
  actor: `key:key_${i % 3}`,
  method: i % 4 === 0 ? 'DELETE' : 'POST',
  route: i % 2 === 0 ? '/api/segments/:id' : '/api/destinations',
  params: i % 2 === 0 ? { id: `seg_${i}` } : {},
  status: 200,
  bodyDigest: `sha256:${String(i).padStart(64, '0')}`,
  detail: i === 2 ? { rule: { before: 'traits.a = 1', after: 'traits.a = 2' } } : null,
  ...over,
});

describeEachStore('the audit log', (getStore) => {
  it('chains every row to the previous one and verifies the whole chain', async () => {
    const log = new AuditLogSql(getStore().sql);
    expect(await log.verify()).toEqual({ ok: true, checked: 0, lastHash: '0'.repeat(64) });
    const stored = [];
    for (let i = 1; i <= 7; i++) stored.push(await log.append(entry(i)));
    expect(stored.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(stored[1]!.prevHash).toBe(stored[0]!.hash);
    const verified = await log.verify(3);
    expect(verified).toEqual({ ok: true, checked: 7, lastHash: stored[6]!.hash });
  });

  it('reads one workspace with filters and pages, returning rows exactly as appended', async () => {
    const log = new AuditLogSql(getStore().sql);
    for (let i = 1; i <= 8; i++) await log.append(entry(i));
    const a = await log.list('ws_a');
    expect(a.map((r) => r.seq)).toEqual([2, 4, 6, 8]);
    expect(a[0]).toMatchObject({ ...entry(2), seq: 2 });
    expect((await log.list('ws_a', { after: 4, limit: 1 })).map((r) => r.seq)).toEqual([6]);
    expect((await log.list('ws_a', { method: 'DELETE' })).map((r) => r.seq)).toEqual([4, 8]);
    expect((await log.list('ws_a', { since: 4_000, until: 6_000 })).map((r) => r.seq)).toEqual([4, 6]);
    expect((await log.list('ws_b', { actor: 'key:key_0' })).map((r) => r.seq)).toEqual([3]);
    expect((await log.list('ws_b', { route: '/api/dest' })).map((r) => r.seq)).toEqual([1, 3, 5, 7]);
    expect(await log.list('ws_b', { route: '/api/segments' })).toEqual([]);
  });

  it('refuses UPDATE and DELETE, and names the first row someone edited or removed behind its back', async () => {
    const store = getStore();
    const log = new AuditLogSql(store.sql);
    for (let i = 1; i <= 5; i++) await log.append(entry(i));
    await expect(store.sql.execute('UPDATE audit_log SET status = 500 WHERE seq = 3')).rejects.toThrow(/append-only/);
    await expect(store.sql.execute('DELETE FROM audit_log WHERE seq = 3')).rejects.toThrow(/append-only/);
    // Someone with the database itself can drop the guard; the chain still shows what they did.
    if (store.sql.dialect.name === 'sqlite') await store.sql.script('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    else await store.sql.script('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change;');
    await store.sql.execute(`UPDATE audit_log SET actor = 'key:someone_else' WHERE seq = 3`);
    expect(await log.verify()).toMatchObject({ ok: false, checked: 2, broken: { seq: 3, reason: expect.stringContaining('edited') } });
    await store.sql.execute(`UPDATE audit_log SET actor = 'key:key_0' WHERE seq = 3`);
    expect((await log.verify()).ok).toBe(true);
    await store.sql.execute('DELETE FROM audit_log WHERE seq = 2');
    expect(await log.verify()).toMatchObject({ ok: false, checked: 1, broken: { seq: 3, reason: expect.stringContaining('removed') } });
  });
});
