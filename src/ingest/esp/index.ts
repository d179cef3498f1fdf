/**
 * @module
 * Inbound ESP event webhooks: SendGrid, Mailgun, Postmark and Amazon SES (through SNS). Each provider's
 * request is verified as that provider documents it (ECDSA, HMAC with replay refusal, basic auth, SNS
 * certificate signatures), its events are mapped to one vocabulary (`Email Opened`, `Email Bounced`,
 * `Unsubscribed`, …) and fed as Segment `track` messages through the ordinary ingestion pipeline, which
 * dedupes them by `<provider>:<event id>`, finds the person by email and updates subscription state.
 * {@link EspWebhookService} is the entry point; the HTTP route lives in `src/api/routes/esp-webhooks.ts`.
 * Set-up per provider: docs/esp-webhooks.md.
 */
export type { CertificateSource, HttpsGetter, HttpsGetterOptions } from './certificate-source.js';
export { cachedCertificateSource, httpsGetter, isAllowedSnsUrl } from './certificate-source.js';
export type { BounceType, EspEvent, EspEventName, EspProvider, EspTrackMessage, MappedEvents } from './esp-event.js';
export { espProviders, isEspProvider, toTrackMessage } from './esp-event.js';
export type { AppliedEspEnv, EspSettings, EspSettingsResult, SettingCipher } from './esp-settings.js';
export { applyEspEnvSettings, espSettingNames, loadEspSettings, noCipher, parseEspSettings, saveEspSettings, sealedProviders, sealStoredEspSecrets } from './esp-settings.js';
export type { EspIngestSink, EspReceipt, EspRequest, EspWebhookDeps } from './esp-webhook-service.js';
export { EspWebhookService } from './esp-webhook-service.js';
export type { MailgunSignature, MailgunVerifyInput, TokenClaim } from './mailgun.js';
export { mailgunSignatureHex, mailgunSignatureOf, mapMailgunEvent, verifyMailgunSignature } from './mailgun.js';
export { mapPostmarkEvent, verifyPostmarkAuth } from './postmark.js';
export { ReplayTokenRepo } from './replay-token-repo.js';
export type { SendgridVerifyInput } from './sendgrid.js';
export {
  mapSendgridEvents,
  parseSendgridPublicKey,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  verifySendgridSignature,
} from './sendgrid.js';
export { mapSesNotification } from './ses.js';
export type { SnsMessage, SnsMessageType, SnsVerifyInput } from './sns-signature.js';
export { parseSnsMessage, snsStringToSign, verifySnsSignature } from './sns-signature.js';
export type { EspProblem, EspProblemCode, VerifyResult } from './verify-result.js';
