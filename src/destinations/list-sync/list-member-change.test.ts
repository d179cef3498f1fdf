import { afterEach, expect, it } from 'vitest';
import { FakeClock, type Profile } from '../../core/index.js';
import { listSyncOf } from '../connect-destination.js';
import { parseDestinationAllowlist } from '../destination-allowlist.js';
import type { DestinationRecord } from '../destination-record.js';
import { SsrfGuard } from '../ssrf-guard.js';
import { FakeKlaviyo } from '../testing/index.js';
import { changeListMember } from './list-member-change.js';

const LIST = 'Y6nRLr';
let fake: FakeKlaviyo | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function record(k: FakeKlaviyo): DestinationRecord {
  return {
    id: 'dst_1',
    workspaceId: 'ws_default',
    name: 'esp',
    kind: 'klaviyo',
    url: k.origin,
    secret: k.apiKey,
    previousSecret: null,
    previousSecretUntil: null,
    config: { list: LIST, fields: { first_name: 'first_name' } },
    segments: [],
    emailTargeting: true,
    enabled: true,
    disabledReason: null,
    disabledAt: null,
    cursorSeq: 0,
    consecutiveDead: 0,
    failingSince: null,
    rateLimitWaits: 0,
    lastError: null,
    lastErrorAt: null,
    createdAt: 0,
    updatedAt: 0,
  };
}

function person(traits: Record<string, unknown>, state: Profile['subscription']['state'] = 'subscribed'): Profile {
  return {
    workspaceId: 'ws_default',
    id: 'prof_1',
    traits: traits as Profile['traits'],
    identities: [],
    subscription: { state, changedAt: null, reason: null, consent: {} },
    createdAt: 0,
    updatedAt: 0,
    firstSeenAt: null,
    lastSeenAt: null,
    mergedInto: null,
  };
}

it('adds one person to an ESP list and removes them, through the provider segment sync uses (fake Klaviyo checked against its OpenAPI spec)', async () => {
  fake = await FakeKlaviyo.start();
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1'), resolver: async (host) => Promise.reject(new Error(`no DNS in tests (${host})`)) });
  const d = record(fake);
  const { provider } = listSyncOf(d, { guard, clock, polling: { sleep: async (ms) => clock.advance(ms), intervalMs: 1_000, maxPolls: 5 } });
  const ada = person({ email: ' Ada@Example.com ', first_name: 'Ada' });
  expect(await changeListMember(d, provider, { add: true, list: '', profile: ada, key: 'run_1.join.0' })).toEqual({ ok: true });
  expect(fake.listMembers(LIST)).toEqual(['ada@example.com']);
  expect(await changeListMember(d, provider, { add: false, list: '', profile: ada, key: 'run_1.leave.0' })).toEqual({ ok: true });
  expect(fake.listMembers(LIST)).toEqual([]);
  // removal takes the contact off the list, never deletes it
  expect(fake.byEmail('ada@example.com')).toBeDefined();
});

it('refuses to add a person who may not be emailed, or has no email, and changes nothing', async () => {
  fake = await FakeKlaviyo.start();
  const clock = new FakeClock(Date.UTC(2026, 5, 1));
  const guard = new SsrfGuard({ allowlist: parseDestinationAllowlist('127.0.0.1'), resolver: async (host) => Promise.reject(new Error(`no DNS in tests (${host})`)) });
  const d = record(fake);
  const { provider } = listSyncOf(d, { guard, clock });
  const gone = await changeListMember(d, provider, { add: true, list: '', profile: person({ email: 'bo@example.com' }, 'unsubscribed'), key: 'k1' });
  expect(gone).toMatchObject({ ok: false, retryable: false });
  const none = await changeListMember(d, provider, { add: true, list: '', profile: person({}), key: 'k2' });
  expect(none).toMatchObject({ ok: false, retryable: false, error: 'the person has no email address' });
  expect(fake.listMembers(LIST)).toEqual([]);
});
