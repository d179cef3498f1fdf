import { execFileSync } from 'node:child_process';
import { createHmac, createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CertificateSource } from './certificate-source.js';
import { SENDGRID_SIGNATURE_HEADER, SENDGRID_TIMESTAMP_HEADER } from './sendgrid.js';
import { snsStringToSign, type SnsMessage } from './sns-signature.js';

/**
 * @module
 * Test helpers that play the providers' side: key pairs, signed requests and realistic payloads. Used by this
 * folder's tests, the route tests and the end-to-end test of issue #5. Nothing here touches the network.
 */

/** A SendGrid-style signing key pair: `publicKey` exactly as SendGrid's console shows it (base64 SPKI DER). */
export interface SendgridKeyPair {
  readonly publicKey: string;
  readonly privateKey: KeyObject;
}

/** Generates a P-256 key pair like the one SendGrid creates when "Signed Event Webhook" is enabled. */
export function generateSendgridKeyPair(): SendgridKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { publicKey: publicKey.export({ format: 'der', type: 'spki' }).toString('base64'), privateKey };
}

/** A request body and headers as SendGrid would post them. */
export interface SignedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/**
 * Signs `events` (serialised as-is, or `body` verbatim when a string) the way SendGrid does: ECDSA P-256
 * SHA-256 over `timestamp + body`, base64 DER, in the two `X-Twilio-Email-Event-Webhook-*` headers.
 * `timestampSeconds` is the signing time (take it from the test's FakeClock).
 */
export function signSendgridRequest(privateKey: KeyObject, events: unknown, timestampSeconds: number): SignedRequest {
  const body = typeof events === 'string' ? events : JSON.stringify(events);
  const timestamp = String(Math.floor(timestampSeconds));
  const signer = createSign('sha256');
  signer.update(timestamp + body);
  const signature = signer.sign({ key: privateKey, dsaEncoding: 'der' }).toString('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      [SENDGRID_SIGNATURE_HEADER]: signature,
      [SENDGRID_TIMESTAMP_HEADER]: timestamp,
    },
  };
}

/** A ready-to-send SendGrid webhook request: use `payload` with Fastify `inject`, or `body` with `fetch`. */
export interface SendgridWebhookRequest {
  readonly method: 'POST';
  /** `/v1/webhooks/sendgrid?key=<write key>` (prefix the server's origin for `fetch`). */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload: string;
  readonly body: string;
}

/**
 * Builds a complete, signed SendGrid webhook request for segflow's endpoint, for route and end-to-end tests:
 * configure the workspace with `PUT /api/settings/esp/sendgrid {"publicKey": keys.publicKey}` first.
 *
 * ```ts
 * const keys = generateSendgridKeyPair();
 * const t = clock.now() / 1000;
 * await server.inject(sendgridWebhookRequest(keys.privateKey, [sendgridEvent('open', 'ada@example.com', t)], t, writeKey));
 * ```
 */
export function sendgridWebhookRequest(
  privateKey: KeyObject,
  events: unknown,
  timestampSeconds: number,
  writeKey: string,
): SendgridWebhookRequest {
  const signed = signSendgridRequest(privateKey, events, timestampSeconds);
  return {
    method: 'POST',
    url: `/v1/webhooks/sendgrid?key=${encodeURIComponent(writeKey)}`,
    headers: signed.headers,
    payload: signed.body,
    body: signed.body,
  };
}

/**
 * A SendGrid event as its Event Webhook documentation shows it (`email`, `timestamp` in Unix seconds,
 * `event`, `sg_event_id`, `sg_message_id`, …); `extra` adds or overrides fields (`url`, `type`, `asm_group_id`).
 */
export function sendgridEvent(
  event: string,
  email: string,
  timestampSeconds: number,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    email,
    timestamp: Math.floor(timestampSeconds),
    'smtp-id': '<14c5d75ce93.dfd.64b469@ismtpd-555>',
    event,
    category: ['newsletter'],
    sg_event_id: randomBytes(16).toString('base64url'),
    sg_message_id: '14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0',
    ...extra,
  };
}

/** A Mailgun webhook body: `signature` computed with `signingKey` over `timestamp + token`, and `event-data`. */
export function mailgunBody(
  signingKey: string,
  eventData: Record<string, unknown>,
  timestampSeconds: number,
  token = randomBytes(25).toString('hex'),
): Record<string, unknown> {
  const timestamp = String(Math.floor(timestampSeconds));
  const signature = createHmac('sha256', signingKey).update(timestamp + token).digest('hex');
  return { signature: { timestamp, token, signature }, 'event-data': eventData };
}

/** Basic auth header for Postmark credentials `user:password`. */
export function postmarkAuthorization(credentials: string): string {
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** An SNS signer made in the test: an RSA key, its self-signed certificate, and a source serving it. */
export interface SnsTestSigner {
  /** A URL that passes the SNS allow-list; the test source serves the certificate under it. */
  readonly certificateUrl: string;
  readonly certificatePem: string;
  /** Serves the certificate for `certificateUrl` and counts requests (to show caching). */
  readonly certificates: CertificateSource & { readonly requests: string[] };
  /** Signs an SNS message (version 1: SHA1withRSA, 2: SHA256withRSA) and fills in the signature fields. */
  sign(message: Omit<SnsMessage, 'Signature' | 'SigningCertURL' | 'SignatureVersion'>, version?: '1' | '2'): SnsMessage;
}

/**
 * Creates an {@link SnsTestSigner}: the RSA key and the X.509 certificate are generated on the spot with the
 * `openssl` command line (node:crypto cannot issue certificates), in a temporary directory removed afterwards.
 */
export function createSnsTestSigner(region = 'us-east-1'): SnsTestSigner {
  const dir = mkdtempSync(join(tmpdir(), 'segflow-sns-'));
  let certificatePem: string;
  let keyPem: string;
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-days', '2', '-subj', '/CN=sns.amazonaws.com'],
      { stdio: 'ignore' },
    );
    certificatePem = readFileSync(join(dir, 'cert.pem'), 'utf8');
    keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const certificateUrl = `https://sns.${region}.amazonaws.com/SimpleNotificationService-test${randomBytes(4).toString('hex')}.pem`;
  const requests: string[] = [];
  const certificates = {
    requests,
    get(url: string): Promise<string> {
      requests.push(url);
      return url === certificateUrl ? Promise.resolve(certificatePem) : Promise.reject(new Error(`no certificate at ${url}`));
    },
  };
  return {
    certificateUrl,
    certificatePem,
    certificates,
    sign(message, version = '2') {
      const unsigned = { ...message, SignatureVersion: version, SigningCertURL: certificateUrl, Signature: '' } as SnsMessage;
      const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
      signer.update(snsStringToSign(unsigned), 'utf8');
      return { ...unsigned, Signature: signer.sign(keyPem).toString('base64') };
    },
  };
}
