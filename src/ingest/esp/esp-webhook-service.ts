import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/index.js';
import { assertNever } from '../../core/index.js';
import type { WorkspaceRepo } from '../../store/index.js';
import { cachedCertificateSource, httpsGetter, isAllowedSnsUrl, type CertificateSource, type HttpsGetter } from './certificate-source.js';
import { toTrackMessage, type EspProvider, type EspTrackMessage, type MappedEvents } from './esp-event.js';
import { countReason, ignoredFor } from './esp-event.js';
import { loadEspSettings, type EspSettings, type SettingCipher } from './esp-settings.js';
import { mailgunSignatureOf, mapMailgunEvent, verifyMailgunSignature } from './mailgun.js';
import { mapPostmarkEvent, verifyPostmarkAuth } from './postmark.js';
import type { ReplayTokenRepo } from './replay-token-repo.js';
import { mapSendgridEvents, SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER, verifySendgridSignature } from './sendgrid.js';
import { mapSesNotification } from './ses.js';
import { parseSnsMessage, verifySnsSignature } from './sns-signature.js';
import { espProblem, type EspProblem } from './verify-result.js';

/**
 * Feeds Segment-spec messages into the ingestion pipeline (the app wires `IngestService.ingest`). ESP events
 * take exactly the path `/v1/batch` messages take: validation, dedupe by `messageId`, identity resolution,
 * subscription state. There is no second write path.
 */
export type EspIngestSink = (workspaceId: string, messages: readonly EspTrackMessage[], provider: EspProvider) => Promise<unknown>;

/** A received webhook request: the exact bytes (signatures cover them) and the headers, lower-cased. */
export interface EspRequest {
  readonly rawBody: Buffer;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** What a verified request led to. */
export interface EspReceipt {
  readonly ok: true;
  readonly provider: EspProvider;
  /** Events handed to ingestion (duplicates are dropped there). */
  readonly forwarded: number;
  /** Items outside the vocabulary or without an address. */
  readonly ignored: number;
  /** The ignored items by reason (for the `segflow_esp_events_ignored_total{provider, reason}` counter and the log). */
  readonly ignoredReasons: Readonly<Record<string, number>>;
  /** SES only: the SNS subscription was confirmed by visiting SubscribeURL. */
  readonly subscriptionConfirmed?: boolean;
  /** What the ingestion sink answered, per chunk. */
  readonly ingest: readonly unknown[];
}

/** Dependencies of {@link EspWebhookService}. */
export interface EspWebhookDeps {
  readonly workspaces: WorkspaceRepo;
  readonly replayTokens: ReplayTokenRepo;
  readonly clock: Clock;
  readonly ingest: EspIngestSink;
  /** SNS certificate source; default: HTTPS fetch (timeout, size cap), cached. Tests plug in their own. */
  readonly certificates?: CertificateSource;
  /** Visits SNS SubscribeURLs; default: the same HTTPS getter. Tests plug in a recorder. */
  readonly subscribeGetter?: HttpsGetter;
  /** Freshness windows (ms); defaults: SendGrid and Mailgun 10 min, SNS 1 h. */
  readonly tolerance?: { readonly sendgrid?: number; readonly mailgun?: number; readonly ses?: number };
  /** Allow-list of SNS certificate URLs; default: {@link isAllowedSnsUrl}. */
  readonly allowCertificateUrl?: (url: string) => boolean;
  /** Opens provider secrets sealed at rest (`SEGFLOW_SECRET_KEY`); default: secrets stored as they are. */
  readonly cipher?: SettingCipher;
}

/**
 * Secrets a provider would be checked against when the workspace has none: random, made once per process and
 * never stored, so nothing can verify against them. See {@link EspWebhookService.receive}.
 */
function decoySecrets(): { readonly sendgrid: string; readonly mailgun: string; readonly postmark: string } {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    sendgrid: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
    mailgun: randomBytes(32).toString('hex'),
    postmark: `${randomBytes(12).toString('hex')}:${randomBytes(24).toString('hex')}`,
  };
}

/** How often receiving a Mailgun request also deletes expired replay tokens. */
const PURGE_EVERY_MS = 60 * 60_000;

/** Messages per ingestion call: provider batches can exceed the pipeline's batch limits. */
const CHUNK = 500;

function header(req: EspRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] as string | undefined) : undefined;
}

/**
 * Receives one provider's webhook request for a workspace: checks its authenticity as the provider documents
 * it, maps the events to the normalised vocabulary and hands them to ingestion. Any refusal is returned as an
 * {@link EspProblem} before anything is stored. Secrets come from workspace settings and are never logged.
 */
export class EspWebhookService {
  private readonly certificates: CertificateSource;
  private readonly subscribeGetter: HttpsGetter;
  private readonly decoys = decoySecrets();
  /** When expired replay tokens were last deleted (epoch ms); they are purged at most hourly, on receipt. */
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: EspWebhookDeps) {
    const getter = httpsGetter();
    this.certificates = deps.certificates ?? cachedCertificateSource(getter);
    this.subscribeGetter = deps.subscribeGetter ?? getter;
  }

  /**
   * Verifies, maps and ingests one request.
   *
   * A provider the workspace has not configured is verified against a random decoy secret instead of being
   * refused with its own code: the answer (missing, malformed, bad or stale signature) is then exactly what a
   * configured provider gives a request not signed with its secret, so a prober cannot learn which providers
   * a workspace uses. The decoy can never verify, and even then the request would be refused.
   */
  async receive(provider: EspProvider, workspaceId: string, req: EspRequest): Promise<EspReceipt | EspProblem> {
    const body = parseJson(req.rawBody);
    if (body === undefined) return espProblem('ESP_INVALID_PAYLOAD', 400, 'The body is not JSON.');
    const stored = await loadEspSettings(this.deps.workspaces, workspaceId, provider, this.deps.cipher);
    const settings = stored ?? this.decoy(provider);
    const isDecoy = stored === undefined;
    const now = this.deps.clock.now();
    let mapped: MappedEvents | undefined;
    let subscriptionConfirmed: boolean | undefined;
    /** Undoes a claimed replay token if the request then fails, so the provider's retry is not a "replay". */
    let release: (() => Promise<void>) | undefined;
    switch (provider) {
      case 'sendgrid': {
        if (settings?.provider !== 'sendgrid') return notConfigured(provider);
        const check = verifySendgridSignature({
          publicKey: settings.publicKey,
          signature: header(req, SENDGRID_SIGNATURE_HEADER),
          timestamp: header(req, SENDGRID_TIMESTAMP_HEADER),
          rawBody: req.rawBody,
          now,
          ...(this.deps.tolerance?.sendgrid === undefined ? {} : { toleranceMs: this.deps.tolerance.sendgrid }),
        });
        if (!check.ok) return check;
        if (isDecoy) return notConfigured(provider);
        mapped = mapSendgridEvents(body);
        break;
      }
      case 'mailgun': {
        if (settings?.provider !== 'mailgun') return notConfigured(provider);
        const check = await verifyMailgunSignature({
          signingKey: settings.signingKey,
          body,
          now,
          // A decoy check fails before any token is claimed; it must never write one either way.
          claimToken: (token, expiresAt) => (isDecoy ? Promise.resolve(false) : this.deps.replayTokens.claim('mailgun', token, expiresAt)),
          ...(this.deps.tolerance?.mailgun === undefined ? {} : { toleranceMs: this.deps.tolerance.mailgun }),
        });
        if (!check.ok) return check;
        if (isDecoy) return notConfigured(provider);
        const token = mailgunSignatureOf(body)!.token;
        release = () => this.deps.replayTokens.release('mailgun', token);
        if (now - this.lastPurge >= PURGE_EVERY_MS) {
          this.lastPurge = now;
          await this.purgeReplayTokens();
        }
        mapped = mapMailgunEvent(body);
        break;
      }
      case 'postmark': {
        if (settings?.provider !== 'postmark') return notConfigured(provider);
        const check = verifyPostmarkAuth(header(req, 'authorization'), settings.credentials);
        if (!check.ok) return check;
        if (isDecoy) return notConfigured(provider);
        mapped = mapPostmarkEvent(body);
        break;
      }
      case 'ses': {
        const message = parseSnsMessage(body);
        if (!message) return espProblem('ESP_INVALID_PAYLOAD', 400, 'The body is not an Amazon SNS message.');
        const check = await verifySnsSignature({
          message,
          certificates: this.certificates,
          now,
          ...(this.deps.tolerance?.ses === undefined ? {} : { toleranceMs: this.deps.tolerance.ses }),
          ...(this.deps.allowCertificateUrl ? { allowCertificateUrl: this.deps.allowCertificateUrl } : {}),
        });
        if (!check.ok) return check;
        const topics = settings?.provider === 'ses' ? settings.allowedTopics : [];
        if (topics.length > 0 && !topics.includes(message.TopicArn)) {
          return espProblem('ESP_TOPIC_NOT_ALLOWED', 403, 'This SNS topic is not in the workspace allow-list.');
        }
        if (message.Type === 'SubscriptionConfirmation') {
          const url = message.SubscribeURL ?? '';
          if (!isAllowedSnsUrl(url, 'subscribe')) {
            return espProblem('ESP_UNTRUSTED_CERTIFICATE', 401, 'SubscribeURL is not an Amazon SNS URL.');
          }
          await this.subscribeGetter(url);
          subscriptionConfirmed = true;
          mapped = { events: [], ignored: 0 };
        } else if (message.Type === 'UnsubscribeConfirmation') {
          mapped = ignoredFor('unsubscribe_confirmation');
        } else {
          mapped = mapSesNotification(message);
        }
        break;
      }
      default:
        return assertNever(provider);
    }
    if (!mapped) return espProblem('ESP_INVALID_PAYLOAD', 400, `The body is not a ${provider} event payload.`);
    const messages: EspTrackMessage[] = [];
    let ignored = mapped.ignored;
    const ignoredReasons: Record<string, number> = { ...mapped.reasons };
    const unexplained = mapped.ignored - Object.values(ignoredReasons).reduce((a, b) => a + b, 0);
    if (unexplained > 0) countReason(ignoredReasons, 'other', unexplained);
    for (const event of mapped.events) {
      const message = toTrackMessage(event);
      if (message) messages.push(message);
      else {
        ignored += 1;
        countReason(ignoredReasons, 'no_address');
      }
    }
    const ingest: unknown[] = [];
    try {
      for (let i = 0; i < messages.length; i += CHUNK) {
        ingest.push(await this.deps.ingest(workspaceId, messages.slice(i, i + CHUNK), provider));
      }
    } catch (error) {
      await release?.().catch(() => {});
      throw error;
    }
    return {
      ok: true,
      provider,
      forwarded: messages.length,
      ignored,
      ignoredReasons,
      ...(subscriptionConfirmed ? { subscriptionConfirmed } : {}),
      ingest,
    };
  }

  /** The settings a provider is checked against when the workspace has none (SES needs no secret). */
  private decoy(provider: EspProvider): EspSettings | undefined {
    switch (provider) {
      case 'sendgrid':
        return { provider, publicKey: this.decoys.sendgrid };
      case 'mailgun':
        return { provider, signingKey: this.decoys.mailgun };
      case 'postmark':
        return { provider, credentials: this.decoys.postmark };
      case 'ses':
        return undefined;
      default:
        return assertNever(provider);
    }
  }

  /**
   * Deletes replay tokens whose window has closed. Receiving Mailgun requests already does this at most
   * hourly, so the table stays small without a scheduler; call it yourself to purge on your own schedule.
   */
  purgeReplayTokens(): Promise<number> {
    return this.deps.replayTokens.purgeExpired(this.deps.clock.now());
  }
}

function notConfigured(provider: EspProvider): EspProblem {
  // Only reached if a decoy secret ever verified (it cannot): answered as the bad signature it is.
  return espProblem('ESP_BAD_SIGNATURE', 401, `The ${provider} signature does not match.`);
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
