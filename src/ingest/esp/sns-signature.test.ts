import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedCertificateSource, isAllowedSnsUrl } from './certificate-source.js';
import { parseSnsMessage, snsStringToSign, verifySnsSignature, type SnsMessage } from './sns-signature.js';
import { createSnsTestSigner, type SnsTestSigner } from './testing.js';

let signer: SnsTestSigner;
/** A moment inside the generated certificate's validity, independent of the wall clock. */
let now: number;

beforeAll(() => {
  signer = createSnsTestSigner();
  now = Date.parse(new X509Certificate(signer.certificatePem).validFrom) + 60_000;
});

function notification(overrides: Partial<SnsMessage> = {}): Omit<SnsMessage, 'Signature' | 'SigningCertURL' | 'SignatureVersion'> {
  return {
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:ses-events',
    Subject: 'Amazon SES Email Event Notification',
    Message: JSON.stringify({ eventType: 'Open', mail: { destination: ['a@example.com'] } }),
    Timestamp: new Date(now).toISOString(),
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:123456789012:ses-events:c9135db0',
    ...overrides,
  };
}

const verify = (message: SnsMessage, at = now) => verifySnsSignature({ message, certificates: signer.certificates, now: at });

describe('snsStringToSign', () => {
  it('lists a notification\'s fields in AWS order, leaving Subject out when absent', () => {
    const m = { ...notification({ Subject: undefined, Message: 'hi' }), SignatureVersion: '1', Signature: '', SigningCertURL: '' } as SnsMessage;
    expect(snsStringToSign(m)).toBe(
      `Message\nhi\nMessageId\n${m.MessageId}\nTimestamp\n${m.Timestamp}\nTopicArn\n${m.TopicArn}\nType\nNotification\n`,
    );
  });

  it('signs SubscribeURL and Token for a subscription confirmation', () => {
    const m = {
      ...notification({ Type: 'SubscriptionConfirmation', Message: 'confirm', Token: 'tok', SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription' }),
      Subject: undefined,
      SignatureVersion: '1',
      Signature: '',
      SigningCertURL: '',
    } as SnsMessage;
    expect(snsStringToSign(m)).toBe(
      `Message\nconfirm\nMessageId\n${m.MessageId}\nSubscribeURL\n${m.SubscribeURL}\nTimestamp\n${m.Timestamp}\nToken\ntok\nTopicArn\n${m.TopicArn}\nType\nSubscriptionConfirmation\n`,
    );
  });
});

describe('verifySnsSignature', () => {
  it('accepts signature version 1 (SHA1withRSA) and version 2 (SHA256withRSA)', async () => {
    expect(await verify(signer.sign(notification(), '1'))).toEqual({ ok: true });
    expect(await verify(signer.sign(notification(), '2'))).toEqual({ ok: true });
  });

  it('refuses a message whose Message, Subject or Type was changed after signing', async () => {
    const signed = signer.sign(notification());
    expect(await verify({ ...signed, Message: signed.Message.replace('Open', 'Click') })).toMatchObject({ code: 'ESP_BAD_SIGNATURE', status: 401 });
    expect(await verify({ ...signed, Subject: 'other' })).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
    expect(await verify({ ...signed, SignatureVersion: '1' })).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
  });

  it('refuses a message whose Timestamp is more than an hour old', async () => {
    const old = signer.sign(notification({ Timestamp: new Date(now - 61 * 60_000).toISOString() }));
    expect(await verify(old)).toMatchObject({ code: 'ESP_STALE_SIGNATURE', status: 401 });
  });

  it('refuses a signature version other than 1 and 2', async () => {
    expect(await verify({ ...signer.sign(notification()), SignatureVersion: '3' })).toMatchObject({ code: 'ESP_BAD_SIGNATURE' });
  });

  it('never fetches a certificate from a host that is not Amazon SNS', async () => {
    const before = signer.certificates.requests.length;
    const forged = { ...signer.sign(notification()), SigningCertURL: 'https://evil.example.com/SimpleNotificationService.pem' };
    expect(await verify(forged)).toMatchObject({ code: 'ESP_UNTRUSTED_CERTIFICATE', status: 401 });
    expect(signer.certificates.requests.length).toBe(before);
  });

  it('refuses when the certificate has expired at the current time', async () => {
    const validTo = Date.parse(new X509Certificate(signer.certificatePem).validTo);
    const message = signer.sign(notification({ Timestamp: new Date(validTo + 1000).toISOString() }));
    expect(await verify(message, validTo + 2000)).toMatchObject({ code: 'ESP_UNTRUSTED_CERTIFICATE' });
  });
});

describe('parseSnsMessage', () => {
  it('accepts the three SNS message types and refuses a confirmation without SubscribeURL', () => {
    const signed = signer.sign(notification());
    expect(parseSnsMessage(JSON.parse(JSON.stringify(signed)))).toBeDefined();
    expect(parseSnsMessage({ ...signed, Type: 'SubscriptionConfirmation' })).toBeUndefined();
    expect(parseSnsMessage({ ...signed, Type: 'Other' })).toBeUndefined();
    expect(parseSnsMessage([signed])).toBeUndefined();
  });
});

describe('isAllowedSnsUrl', () => {
  it.each([
    ['https://sns.us-east-1.amazonaws.com/SimpleNotificationService-01d088a6f77103d0fe307c0069e40ed6.pem', true],
    ['https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem', true],
    ['http://sns.us-east-1.amazonaws.com/SimpleNotificationService.pem', false],
    ['https://sns.us-east-1.amazonaws.com.evil.com/x.pem', false],
    ['https://evil.com/sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com:8443/x.pem', false],
    ['https://user@sns.us-east-1.amazonaws.com/x.pem', false],
    ['https://sns.us-east-1.amazonaws.com/x.txt', false],
    ['https://s3.amazonaws.com/x.pem', false],
    ['not a url', false],
  ])('certificate URL %s allowed: %s', (url, allowed) => {
    expect(isAllowedSnsUrl(url, 'certificate')).toBe(allowed);
  });

  it('allows a SubscribeURL on an SNS host whatever its path', () => {
    expect(isAllowedSnsUrl('https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc', 'subscribe')).toBe(true);
    expect(isAllowedSnsUrl('https://169.254.169.254/?Action=ConfirmSubscription', 'subscribe')).toBe(false);
  });
});

describe('cachedCertificateSource', () => {
  it('fetches each URL once, shares a pending fetch, and retries after a failure', async () => {
    const calls: string[] = [];
    let fail = true;
    const source = cachedCertificateSource(async (url) => {
      calls.push(url);
      if (url.endsWith('bad.pem') && fail) throw new Error('down');
      return 'PEM';
    });
    await Promise.all([source.get('https://a/x.pem'), source.get('https://a/x.pem')]);
    await source.get('https://a/x.pem');
    await expect(source.get('https://a/bad.pem')).rejects.toThrow('down');
    fail = false;
    expect(await source.get('https://a/bad.pem')).toBe('PEM');
    expect(calls).toEqual(['https://a/x.pem', 'https://a/bad.pem', 'https://a/bad.pem']);
  });
});
