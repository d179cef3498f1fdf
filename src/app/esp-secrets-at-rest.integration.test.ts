import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mailgunBody, postmarkAuthorization } from '../ingest/esp/testing.js';
import { startTestApp, type TestApp } from './testing/index.js';

const dir = mkdtempSync(join(tmpdir(), 'segflow-esp-seal-'));
const storage = { kind: 'sqlite' as const, file: join(dir, 'segflow.db') };
const SIGNING_KEY = 'mailgun-signing-key-at-rest-0123';
const POSTMARK = 'hooks:postmark-password-at-rest';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function stored(t: TestApp): Promise<Record<string, string>> {
  const rows = await t.app.store.sql.query<{ name: string; value: string }>(`SELECT name, value FROM workspace_settings WHERE name LIKE 'esp.%'`);
  return Object.fromEntries(rows.map((r) => [r.name, String(r.value)]));
}

const mailgunRequest = (t: TestApp, id: string) =>
  t.app.server.inject({
    method: 'POST',
    url: `/v1/webhooks/mailgun?key=${t.writeKey}`,
    headers: { 'content-type': 'application/json' },
    payload: mailgunBody(SIGNING_KEY, { event: 'opened', id, timestamp: Date.now() / 1000, recipient: 'seal@example.com' }, Date.now() / 1000),
  });

describe('ESP webhook secrets at rest', () => {
  it('seals the Mailgun and Postmark secrets stored in clear once SEGFLOW_SECRET_KEY is set, and keeps verifying with them', async () => {
    const before = await startTestApp({ storage });
    try {
      for (const [provider, body] of [['mailgun', { signingKey: SIGNING_KEY }], ['postmark', { credentials: POSTMARK }]] as const) {
        const res = await before.app.server.inject({ method: 'PUT', url: `/api/settings/esp/${provider}`, headers: { authorization: before.adminAuth }, payload: body });
        expect(res.statusCode).toBeLessThan(300);
      }
      // Without a key there is nothing to seal with: the secrets are in clear (what this test starts from).
      expect(Object.values(await stored(before)).join()).toContain(SIGNING_KEY);
    } finally {
      await before.close();
    }

    const after = await startTestApp({ storage, env: { SEGFLOW_SECRET_KEY: 'a-long-enough-secret-key-for-tests' } });
    try {
      const raw = await stored(after);
      expect(raw['esp.mailgun.signingKey']).toMatch(/enc:v1:/);
      expect(raw['esp.postmark.credentials']).toMatch(/enc:v1:/);
      expect(JSON.stringify(raw)).not.toContain(SIGNING_KEY);
      expect(JSON.stringify(raw)).not.toContain('postmark-password-at-rest');
      expect((await mailgunRequest(after, 'sealed-1')).statusCode).toBe(200);
      const postmark = await after.app.server.inject({
        method: 'POST',
        url: `/v1/webhooks/postmark?key=${after.writeKey}`,
        headers: { 'content-type': 'application/json', authorization: postmarkAuthorization(POSTMARK) },
        payload: { RecordType: 'Open', MessageID: 'm-seal', Recipient: 'seal@example.com', ReceivedAt: new Date().toISOString() },
      });
      expect(postmark.statusCode).toBe(200);
      // A secret saved while the key is set is sealed from the start.
      await after.app.server.inject({ method: 'PUT', url: '/api/settings/esp/mailgun', headers: { authorization: after.adminAuth }, payload: { signingKey: `${SIGNING_KEY}-2` } });
      expect((await stored(after))['esp.mailgun.signingKey']).toMatch(/enc:v1:/);
    } finally {
      await after.close();
    }
  });
});
