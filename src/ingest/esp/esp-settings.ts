import type { WorkspaceRepo } from '../../store/index.js';
import type { EspProvider } from './esp-event.js';
import { parseSendgridPublicKey } from './sendgrid.js';
import { espProblem, type EspProblem } from './verify-result.js';

/** Names of the workspace settings holding each provider's secret. Values are never logged or returned. */
export const espSettingNames = {
  sendgrid: 'esp.sendgrid.publicKey',
  mailgun: 'esp.mailgun.signingKey',
  postmark: 'esp.postmark.credentials',
  ses: 'esp.ses.allowedTopics',
} as const satisfies Record<EspProvider, string>;

/**
 * Seals secrets before they are stored and opens them when read (the app passes the destinations' AES-256-GCM
 * cipher selected by `SEGFLOW_SECRET_KEY`; values stored before a key was set are read as they are).
 */
export interface SettingCipher {
  seal(plain: string): string;
  open(stored: string): string;
}

/** Stores secrets as they are: what runs without `SEGFLOW_SECRET_KEY`. */
export const noCipher: SettingCipher = { seal: (plain) => plain, open: (stored) => stored };

/**
 * The providers whose setting is a secret, sealed at rest: Mailgun's signing key and Postmark's Basic-auth
 * credentials. SendGrid's setting is a PUBLIC verification key and SES's a list of topic ARNs: neither lets
 * anyone forge a webhook, and both stay readable.
 */
export const sealedProviders: ReadonlySet<EspProvider> = new Set(['mailgun', 'postmark']);

/** One provider's configuration, as stored in its workspace setting. */
export type EspSettings =
  | { readonly provider: 'sendgrid'; readonly publicKey: string }
  | { readonly provider: 'mailgun'; readonly signingKey: string }
  | { readonly provider: 'postmark'; readonly credentials: string }
  /** `allowedTopics` empty means any topic whose messages carry a valid SNS signature. */
  | { readonly provider: 'ses'; readonly allowedTopics: readonly string[] };

/** The outcome of validating a settings body from `PUT /api/settings/esp/{provider}`. */
export type EspSettingsResult = { readonly ok: true; readonly settings: EspSettings } | EspProblem;

function field(body: unknown, key: string): unknown {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>)[key] : undefined;
}

/**
 * Validates a provider's settings body: sendgrid `{publicKey}` (base64 SPKI of a P-256 key, as SendGrid shows
 * it), mailgun `{signingKey}`, postmark `{credentials: "user:password"}`, ses `{allowedTopics: [topic ARNs]}`.
 */
export function parseEspSettings(provider: EspProvider, body: unknown): EspSettingsResult {
  const bad = (detail: string): EspProblem => espProblem('ESP_INVALID_PAYLOAD', 400, detail);
  switch (provider) {
    case 'sendgrid': {
      const publicKey = field(body, 'publicKey');
      if (typeof publicKey !== 'string' || !parseSendgridPublicKey(publicKey)) {
        return bad('"publicKey" must be the base64 P-256 verification key SendGrid shows.');
      }
      return { ok: true, settings: { provider, publicKey: publicKey.trim() } };
    }
    case 'mailgun': {
      const signingKey = field(body, 'signingKey');
      if (typeof signingKey !== 'string' || signingKey.trim().length < 8) return bad('"signingKey" must be the Mailgun HTTP webhook signing key.');
      return { ok: true, settings: { provider, signingKey: signingKey.trim() } };
    }
    case 'postmark': {
      const credentials = field(body, 'credentials');
      if (typeof credentials !== 'string' || !/^[^:]+:.+$/.test(credentials)) return bad('"credentials" must be "user:password".');
      return { ok: true, settings: { provider, credentials } };
    }
    case 'ses': {
      // Optional: absent (or empty) means every topic whose messages carry a valid SNS signature.
      const topics = field(body, 'allowedTopics') ?? [];
      if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string' && /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(t))) {
        return bad('"allowedTopics" must be a list of SNS topic ARNs.');
      }
      return { ok: true, settings: { provider, allowedTopics: topics as string[] } };
    }
  }
}

/**
 * Stores a provider's settings in the workspace (only the secret itself, under {@link espSettingNames}), sealed
 * with `cipher` for the {@link sealedProviders}.
 */
export async function saveEspSettings(workspaces: WorkspaceRepo, workspaceId: string, settings: EspSettings, cipher: SettingCipher = noCipher): Promise<void> {
  const value =
    settings.provider === 'sendgrid'
      ? settings.publicKey
      : settings.provider === 'mailgun'
        ? settings.signingKey
        : settings.provider === 'postmark'
          ? settings.credentials
          : settings.allowedTopics;
  const stored = typeof value === 'string' && sealedProviders.has(settings.provider) ? cipher.seal(value) : value;
  await workspaces.setSetting(workspaceId, espSettingNames[settings.provider], stored);
}

/**
 * Seals every provider secret still stored in clear, in every workspace: the data migration that goes with
 * `SEGFLOW_SECRET_KEY` (a SQL migration cannot do it: it never sees the key). Run at every start with a key
 * set; idempotent (sealed values are recognised and left alone). Returns how many secrets it sealed.
 */
export async function sealStoredEspSecrets(
  workspaces: WorkspaceRepo,
  cipher: SettingCipher,
  isSealed: (stored: string) => boolean,
): Promise<number> {
  let sealed = 0;
  for (const ws of await workspaces.list()) {
    for (const provider of sealedProviders) {
      const value = await workspaces.getSetting(ws.id, espSettingNames[provider]);
      if (typeof value !== 'string' || value === '' || isSealed(value)) continue;
      await workspaces.setSetting(ws.id, espSettingNames[provider], cipher.seal(value));
      sealed++;
    }
  }
  return sealed;
}

/** Reads a provider's settings for a workspace; undefined when not configured. */
export async function loadEspSettings(
  workspaces: WorkspaceRepo,
  workspaceId: string,
  provider: EspProvider,
  cipher: SettingCipher = noCipher,
): Promise<EspSettings | undefined> {
  const raw = await workspaces.getSetting(workspaceId, espSettingNames[provider]);
  const value = typeof raw === 'string' && raw !== '' && sealedProviders.has(provider) ? cipher.open(raw) : raw;
  switch (provider) {
    case 'sendgrid':
      return typeof value === 'string' && value !== '' ? { provider, publicKey: value } : undefined;
    case 'mailgun':
      return typeof value === 'string' && value !== '' ? { provider, signingKey: value } : undefined;
    case 'postmark':
      return typeof value === 'string' && value !== '' ? { provider, credentials: value } : undefined;
    case 'ses':
      // SES needs no secret: SNS signatures are checked with Amazon's certificate. Unset means any topic.
      return { provider, allowedTopics: Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [] };
  }
}

/** Which providers were configured from the environment (names only, never values). */
export interface AppliedEspEnv {
  readonly applied: readonly EspProvider[];
  /** Variables that were set but invalid, e.g. `SEGFLOW_SENDGRID_PUBLIC_KEY`. */
  readonly invalid: readonly string[];
}

const ENV: ReadonlyArray<{ readonly name: string; readonly provider: EspProvider; readonly body: (v: string) => unknown }> = [
  { name: 'SEGFLOW_SENDGRID_PUBLIC_KEY', provider: 'sendgrid', body: (v) => ({ publicKey: v }) },
  { name: 'SEGFLOW_MAILGUN_SIGNING_KEY', provider: 'mailgun', body: (v) => ({ signingKey: v }) },
  { name: 'SEGFLOW_POSTMARK_CREDENTIALS', provider: 'postmark', body: (v) => ({ credentials: v }) },
  {
    name: 'SEGFLOW_SES_ALLOWED_TOPICS',
    provider: 'ses',
    body: (v) => ({ allowedTopics: v.split(',').map((t) => t.trim()).filter((t) => t !== '') }),
  },
];

/**
 * Installs provider secrets from the environment into the default workspace, at start-up:
 * `SEGFLOW_SENDGRID_PUBLIC_KEY` (base64 SPKI), `SEGFLOW_MAILGUN_SIGNING_KEY`, `SEGFLOW_POSTMARK_CREDENTIALS`
 * (`user:password`), `SEGFLOW_SES_ALLOWED_TOPICS` (comma-separated topic ARNs). Unset variables leave the
 * stored settings alone; an invalid one is reported by name (the caller decides whether to stop) and not stored.
 */
export async function applyEspEnvSettings(
  store: { readonly workspaces: WorkspaceRepo },
  env: Readonly<Record<string, string | undefined>>,
  now: number,
  cipher: SettingCipher = noCipher,
): Promise<AppliedEspEnv> {
  const applied: EspProvider[] = [];
  const invalid: string[] = [];
  const pending = ENV.filter((e) => env[e.name] !== undefined && env[e.name]!.trim() !== '');
  if (pending.length === 0) return { applied, invalid };
  const ws = await store.workspaces.ensureDefault(now);
  for (const entry of pending) {
    const parsed = parseEspSettings(entry.provider, entry.body(env[entry.name]!.trim()));
    if (!parsed.ok) {
      invalid.push(entry.name);
      continue;
    }
    await saveEspSettings(store.workspaces, ws.id, parsed.settings, cipher);
    applied.push(entry.provider);
  }
  return { applied, invalid };
}
