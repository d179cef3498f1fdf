import { randomBytes } from 'node:crypto';

/**
 * A new Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64, the form the
 * `standardwebhooks` libraries (and Svix) accept as is.
 */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}
