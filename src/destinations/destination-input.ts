import type { DestinationConfig, DestinationKind, SegmentSelection } from './destination-record.js';
import { KLAVIYO_BASE_URL } from './list-sync/klaviyo-list-sync.js';
import { mailchimpBaseUrl, mailchimpDataCenterOf } from './list-sync/mailchimp-list-sync.js';
import { SENDGRID_BASE_URL } from './list-sync/sendgrid-list-sync.js';

/** What a person gives to register a destination: a webhook (`url`) or an ESP list sync (`apiKey`, `list`). */
export interface DestinationInput {
  readonly name: string;
  /** `webhook` unless given. */
  readonly kind?: DestinationKind;
  /** Webhooks: where to POST. */
  readonly url?: string;
  /** ESPs: overrides the provider's API host (proxies, local tests); checked by the SSRF guard like a webhook URL. */
  readonly baseUrl?: string;
  /** ESPs: the API key (sealed at rest, never shown again). */
  readonly apiKey?: string;
  /** ESPs: the list id (SendGrid, Klaviyo) or audience id (Mailchimp). */
  readonly list?: string;
  /** `"all"`, or segment ids or names (names are resolved to ids). */
  readonly segments: SegmentSelection;
  readonly emailTargeting?: boolean;
  /** Send the segments' current members first (default: on for ESPs, off for webhooks). */
  readonly initialSync?: boolean;
  readonly mapping?: Readonly<Record<string, string>>;
  readonly fields?: Readonly<Record<string, string>>;
  readonly dataCenter?: string;
  readonly statusIfNew?: DestinationConfig['statusIfNew'];
  readonly concurrency?: number;
  readonly timeoutMs?: number;
  /** Consent categories a person must have granted to be sent here (any kind). */
  readonly consentCategories?: readonly string[];
}

/** A field-level problem with the input. */
export interface InputProblem {
  readonly field: string;
  readonly message: string;
}

/** What the input comes to before segment and URL checks: kind, the URL to check (if any), secret and settings. */
export interface CheckedInput {
  readonly kind: DestinationKind;
  /** The URL to store; `check` says whether the SSRF guard must approve it now (a provider's own host needs no approval). */
  readonly url: string;
  readonly check: boolean;
  /** The ESP API key; undefined for webhooks (they get a fresh signing secret). */
  readonly apiKey: string | undefined;
  readonly config: DestinationConfig;
}

const DATA_CENTER = /^[a-z]+\d+$/;
const FIELD_NAME = /^[A-Za-z0-9_.$-]{1,100}$/;

/**
 * Checks the shape of a destination's input by kind and works out its URL and settings. Webhooks need `url`;
 * ESPs need `apiKey` and `list` (Mailchimp also a data centre, from `dataCenter` or the key's `-usN` suffix).
 * Settings valid for every kind: `concurrency` (1–64) and `timeoutMs` (100–120,000), the destination's own budget.
 */
export function checkDestinationInput(input: DestinationInput): { ok: true; value: CheckedInput } | { ok: false; problem: InputProblem } {
  const kind = input.kind ?? 'webhook';
  const bad = (field: string, message: string): { ok: false; problem: InputProblem } => ({ ok: false, problem: { field, message } });
  if (input.concurrency !== undefined && (!Number.isInteger(input.concurrency) || input.concurrency < 1 || input.concurrency > 64)) {
    return bad('concurrency', 'concurrency must be an integer from 1 to 64');
  }
  if (input.timeoutMs !== undefined && (!Number.isInteger(input.timeoutMs) || input.timeoutMs < 100 || input.timeoutMs > 120_000)) {
    return bad('timeoutMs', 'timeoutMs must be an integer from 100 to 120000');
  }
  const categories = checkConsentCategories(input.consentCategories);
  if (typeof categories === 'string') return bad('consentCategories', categories);
  const budget: DestinationConfig = {
    ...(input.concurrency === undefined ? {} : { concurrency: input.concurrency }),
    ...(input.timeoutMs === undefined ? {} : { timeoutMs: input.timeoutMs }),
    ...(categories === undefined ? {} : { consentCategories: categories }),
  };
  if (kind === 'webhook') {
    if (typeof input.url !== 'string' || input.url === '') return bad('url', 'a webhook destination needs a url');
    for (const f of ['apiKey', 'list', 'baseUrl', 'mapping', 'fields', 'dataCenter', 'statusIfNew'] as const) {
      if (input[f] !== undefined) return bad(f, `${f} applies to ESP destinations (sendgrid, mailchimp, klaviyo), not webhooks`);
    }
    return { ok: true, value: { kind, url: input.url, check: true, apiKey: undefined, config: budget } };
  }
  if (input.url !== undefined) return bad('url', `a ${kind} destination takes baseUrl (optional), not url`);
  if (typeof input.apiKey !== 'string' || input.apiKey.trim() === '' || input.apiKey.length > 500) return bad('apiKey', `a ${kind} destination needs its apiKey`);
  if (typeof input.list !== 'string' || input.list.trim() === '' || input.list.length > 200) {
    return bad('list', kind === 'mailchimp' ? 'a mailchimp destination needs the audience id as list' : `a ${kind} destination needs the list id`);
  }
  if (input.statusIfNew !== undefined && kind !== 'mailchimp') return bad('statusIfNew', 'statusIfNew applies to mailchimp only');
  for (const [name, map] of [['mapping', input.mapping], ['fields', input.fields]] as const) {
    if (map === undefined) continue;
    if (typeof map !== 'object' || map === null || Array.isArray(map)) return bad(name, `${name} must be an object of strings`);
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string' || v === '' || v.length > 200 || k === '') return bad(name, `${name}.${k} must be a non-empty string`);
      if (name === 'fields' && !FIELD_NAME.test(v)) return bad(name, `fields.${k}: "${v}" is not a field name`);
    }
  }
  let url: string;
  if (kind === 'mailchimp') {
    const dc = input.dataCenter ?? mailchimpDataCenterOf(input.apiKey);
    if (dc === undefined || !DATA_CENTER.test(dc)) return bad('dataCenter', 'mailchimp needs its data centre (e.g. "us6"): give dataCenter, or a key ending in -us6');
    url = mailchimpBaseUrl(dc);
  } else {
    if (input.dataCenter !== undefined) return bad('dataCenter', 'dataCenter applies to mailchimp only');
    url = kind === 'sendgrid' ? SENDGRID_BASE_URL : KLAVIYO_BASE_URL;
  }
  const config: DestinationConfig = {
    ...budget,
    list: input.list.trim(),
    ...(input.mapping ? { mapping: input.mapping } : {}),
    ...(input.fields ? { fields: input.fields } : {}),
    ...(input.statusIfNew ? { statusIfNew: input.statusIfNew } : {}),
    ...(kind === 'mailchimp' ? { dataCenter: new URL(url).hostname.split('.')[0] as string } : {}),
  };
  if (input.baseUrl !== undefined) return { ok: true, value: { kind, url: input.baseUrl, check: true, apiKey: input.apiKey.trim(), config } };
  return { ok: true, value: { kind, url, check: false, apiKey: input.apiKey.trim(), config } };
}

/** The last four characters of a secret, for people to tell keys apart (`…abcd`); never more. */
export function secretHint(secret: string): string {
  return secret.length <= 8 ? '…' : `…${secret.slice(-4)}`;
}

const CATEGORY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Consent categories as stored (lower-cased, deduplicated, sorted), undefined when none, or the problem. */
function checkConsentCategories(input: readonly string[] | undefined): readonly string[] | undefined | string {
  if (input === undefined) return undefined;
  if (!Array.isArray(input) || input.length > 20) return 'consentCategories must be a list of at most 20 category names';
  for (const c of input) if (typeof c !== 'string' || !CATEGORY.test(c)) return `consentCategories: "${String(c)}" is not a category name (letters, digits, _ . : -)`;
  const out = [...new Set(input.map((c) => c.toLowerCase()))].sort();
  return out.length === 0 ? undefined : out;
}
