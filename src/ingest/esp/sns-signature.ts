import { createVerify, X509Certificate } from 'node:crypto';
import { isAllowedSnsUrl, type CertificateSource } from './certificate-source.js';
import { espProblem, verified, type VerifyResult } from './verify-result.js';

/** The SNS message types an HTTP(S) subscriber receives. */
export type SnsMessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';

/** The JSON document SNS posts (as `text/plain`) to an HTTP(S) endpoint. */
export interface SnsMessage {
  readonly Type: SnsMessageType;
  readonly MessageId: string;
  readonly TopicArn: string;
  readonly Message: string;
  readonly Timestamp: string;
  readonly SignatureVersion: string;
  readonly Signature: string;
  readonly SigningCertURL: string;
  readonly Subject?: string;
  readonly Token?: string;
  readonly SubscribeURL?: string;
  readonly UnsubscribeURL?: string;
}

const TYPES: readonly string[] = ['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'];

/** Checks the shape of a posted SNS document; undefined when a required string field is missing. */
export function parseSnsMessage(body: unknown): SnsMessage | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const m = body as Record<string, unknown>;
  const required = ['Type', 'MessageId', 'TopicArn', 'Message', 'Timestamp', 'SignatureVersion', 'Signature', 'SigningCertURL'];
  if (!required.every((k) => typeof m[k] === 'string')) return undefined;
  if (!TYPES.includes(m.Type as string)) return undefined;
  if (m.Type !== 'Notification' && (typeof m.Token !== 'string' || typeof m.SubscribeURL !== 'string')) return undefined;
  for (const k of ['Subject', 'Token', 'SubscribeURL', 'UnsubscribeURL']) {
    if (m[k] !== undefined && m[k] !== null && typeof m[k] !== 'string') return undefined;
  }
  return m as unknown as SnsMessage;
}

/**
 * The string SNS signs, as AWS documents it: for each field in byte order of its name, `name\nvalue\n`.
 * Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type.
 * SubscriptionConfirmation / UnsubscribeConfirmation: Message, MessageId, SubscribeURL, Timestamp, Token,
 * TopicArn, Type.
 */
export function snsStringToSign(m: SnsMessage): string {
  const fields: Array<[string, string | undefined]> =
    m.Type === 'Notification'
      ? [
          ['Message', m.Message],
          ['MessageId', m.MessageId],
          ['Subject', m.Subject ?? undefined],
          ['Timestamp', m.Timestamp],
          ['TopicArn', m.TopicArn],
          ['Type', m.Type],
        ]
      : [
          ['Message', m.Message],
          ['MessageId', m.MessageId],
          ['SubscribeURL', m.SubscribeURL],
          ['Timestamp', m.Timestamp],
          ['Token', m.Token],
          ['TopicArn', m.TopicArn],
          ['Type', m.Type],
        ];
  return fields
    .filter((f): f is [string, string] => f[1] !== undefined)
    .map(([k, v]) => `${k}\n${v}\n`)
    .join('');
}

/** What {@link verifySnsSignature} needs. */
export interface SnsVerifyInput {
  readonly message: SnsMessage;
  readonly certificates: CertificateSource;
  /** Current time in epoch ms, from the Clock. */
  readonly now: number;
  /**
   * How old (or how far ahead) `Timestamp` may be. SNS keeps the original `Timestamp` on retries, so this
   * must cover the topic's delivery retry policy. Default 1 hour.
   */
  readonly toleranceMs?: number;
  /**
   * Decides whether a certificate URL may be fetched; default {@link isAllowedSnsUrl}. Tests pass the same
   * rule (the source they plug in serves generated certificates under real-looking SNS URLs).
   */
  readonly allowCertificateUrl?: (url: string) => boolean;
}

/**
 * Verifies an SNS message signature: SignatureVersion 1 is SHA1withRSA, 2 is SHA256withRSA, over
 * {@link snsStringToSign}, with the public key of the X.509 certificate at `SigningCertURL`, which is fetched
 * (through the pluggable, cached source) only when the URL is an SNS one. The certificate must be within its
 * validity period at `now`, and the message `Timestamp` within the tolerance. A certificate that cannot be
 * fetched is an infrastructure failure and throws (the route answers 5xx, so SNS retries).
 */
export async function verifySnsSignature(input: SnsVerifyInput): Promise<VerifyResult> {
  const m = input.message;
  const algorithm = m.SignatureVersion === '1' ? 'RSA-SHA1' : m.SignatureVersion === '2' ? 'RSA-SHA256' : undefined;
  if (!algorithm) return espProblem('ESP_BAD_SIGNATURE', 401, 'SNS SignatureVersion must be 1 or 2.');
  const allow = input.allowCertificateUrl ?? ((url: string) => isAllowedSnsUrl(url, 'certificate'));
  if (!allow(m.SigningCertURL)) {
    return espProblem('ESP_UNTRUSTED_CERTIFICATE', 401, 'SigningCertURL is not an Amazon SNS certificate URL.');
  }
  let pem: string;
  try {
    pem = await input.certificates.get(m.SigningCertURL);
  } catch (error) {
    // Amazon's certificate host being unreachable says nothing about the message: a retryable 503 (SNS
    // retries), never a generic 500 and never a verdict on the signature.
    return espProblem('ESP_CERTIFICATE_UNAVAILABLE', 503, `The SNS signing certificate could not be fetched from ${m.SigningCertURL}: ${error instanceof Error ? error.message : String(error)}`);
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return espProblem('ESP_UNTRUSTED_CERTIFICATE', 401, 'The SNS signing certificate could not be parsed.');
  }
  if (Date.parse(cert.validFrom) > input.now || Date.parse(cert.validTo) < input.now) {
    return espProblem('ESP_UNTRUSTED_CERTIFICATE', 401, 'The SNS signing certificate is not valid at this time.');
  }
  const verifier = createVerify(algorithm);
  verifier.update(snsStringToSign(m), 'utf8');
  let valid: boolean;
  try {
    valid = verifier.verify(cert.publicKey, Buffer.from(m.Signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) return espProblem('ESP_BAD_SIGNATURE', 401, 'The SNS signature does not match the message.');
  const sentAt = Date.parse(m.Timestamp);
  const tolerance = input.toleranceMs ?? 60 * 60_000;
  if (!Number.isFinite(sentAt) || Math.abs(input.now - sentAt) > tolerance) {
    return espProblem('ESP_STALE_SIGNATURE', 401, 'The SNS message Timestamp is outside the accepted window.');
  }
  return verified;
}
