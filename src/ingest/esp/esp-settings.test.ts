import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/index.js';
import { createTestSqliteStore } from '../../store/testing/index.js';
import { applyEspEnvSettings, espSettingNames, loadEspSettings, parseEspSettings } from './esp-settings.js';
import { generateSendgridKeyPair } from './testing.js';

const NOW = Date.UTC(2026, 5, 1);
const sendgrid = generateSendgridKeyPair();
let store: Store;

beforeEach(async () => {
  store = await createTestSqliteStore();
});

afterEach(async () => {
  await store.close();
});

describe('applyEspEnvSettings', () => {
  it('writes every provider secret from the environment into the default workspace', async () => {
    const result = await applyEspEnvSettings(
      store,
      {
        SEGFLOW_SENDGRID_PUBLIC_KEY: sendgrid.publicKey,
        SEGFLOW_MAILGUN_SIGNING_KEY: 'key-abcdef0123456789',
        SEGFLOW_POSTMARK_CREDENTIALS: 'hook:pa55:word',
        SEGFLOW_SES_ALLOWED_TOPICS: 'arn:aws:sns:us-east-1:123456789012:a, arn:aws:sns:eu-west-1:123456789012:b',
      },
      NOW,
    );
    expect(result).toEqual({ applied: ['sendgrid', 'mailgun', 'postmark', 'ses'], invalid: [] });
    expect(await loadEspSettings(store.workspaces, 'ws_default', 'sendgrid')).toEqual({ provider: 'sendgrid', publicKey: sendgrid.publicKey });
    expect(await loadEspSettings(store.workspaces, 'ws_default', 'postmark')).toEqual({ provider: 'postmark', credentials: 'hook:pa55:word' });
    expect(await loadEspSettings(store.workspaces, 'ws_default', 'ses')).toEqual({
      provider: 'ses',
      allowedTopics: ['arn:aws:sns:us-east-1:123456789012:a', 'arn:aws:sns:eu-west-1:123456789012:b'],
    });
  });

  it('reports an invalid variable by name, stores nothing for it, and leaves unset providers alone', async () => {
    await store.workspaces.ensureDefault(NOW);
    await store.workspaces.setSetting('ws_default', espSettingNames.mailgun, 'key-kept-from-before');
    const result = await applyEspEnvSettings(store, { SEGFLOW_SENDGRID_PUBLIC_KEY: 'not-a-key', SEGFLOW_POSTMARK_CREDENTIALS: '' }, NOW);
    expect(result).toEqual({ applied: [], invalid: ['SEGFLOW_SENDGRID_PUBLIC_KEY'] });
    expect(await loadEspSettings(store.workspaces, 'ws_default', 'sendgrid')).toBeUndefined();
    expect(await loadEspSettings(store.workspaces, 'ws_default', 'mailgun')).toEqual({ provider: 'mailgun', signingKey: 'key-kept-from-before' });
  });
});

describe('parseEspSettings', () => {
  it('accepts each provider\'s documented secret shape and refuses others', () => {
    expect(parseEspSettings('sendgrid', { publicKey: sendgrid.publicKey }).ok).toBe(true);
    expect(parseEspSettings('mailgun', { signingKey: 'short' })).toMatchObject({ ok: false, status: 400 });
    expect(parseEspSettings('postmark', { credentials: 'no-colon' })).toMatchObject({ ok: false });
    expect(parseEspSettings('ses', { allowedTopics: ['arn:aws:sns:us-east-1:123456789012:t'] }).ok).toBe(true);
    expect(parseEspSettings('ses', { allowedTopics: ['https://evil.example.com'] })).toMatchObject({ ok: false });
    expect(parseEspSettings('sendgrid', null)).toMatchObject({ ok: false });
  });
});
