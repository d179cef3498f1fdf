import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** Seals signing secrets before they are stored and opens them when read. */
export interface SecretCipher {
  seal(plain: string): string;
  open(stored: string): string;
}

const PREFIX = 'enc:v1:';

/**
 * Stores secrets as they are (no `SEGFLOW_SECRET_KEY` configured). Refuses to open a sealed value: that needs
 * the key it was sealed with.
 */
export const plainSecrets: SecretCipher = {
  seal: (plain) => plain,
  open(stored) {
    if (stored.startsWith(PREFIX)) throw new Error('a destination secret is encrypted but SEGFLOW_SECRET_KEY is not set');
    return stored;
  },
};

/**
 * AES-256-GCM under a key derived (SHA-256) from `keyMaterial`: sealed values read `enc:v1:<iv>.<tag>.<data>`
 * (base64url). Values stored before a key was configured are read as they are, so turning encryption on needs
 * no migration (they stay readable as they are; new secrets are sealed).
 */
export function secretCipher(keyMaterial: string): SecretCipher {
  const key = createHash('sha256').update(keyMaterial, 'utf8').digest();
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${data.toString('base64url')}`;
    },
    open(stored) {
      if (!stored.startsWith(PREFIX)) return stored;
      const [iv, tag, data] = stored.slice(PREFIX.length).split('.');
      if (!iv || !tag || data === undefined) throw new Error('malformed encrypted destination secret');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch (err) {
        throw new Error('cannot decrypt a destination secret: SEGFLOW_SECRET_KEY differs from the one it was sealed with', { cause: err });
      }
    },
  };
}

/** Whether a stored value is sealed (`enc:v1:…`) rather than a secret stored before a key was configured. */
export function isSealedSecret(stored: string): boolean {
  return stored.startsWith(PREFIX);
}

/** The cipher `SEGFLOW_SECRET_KEY` selects: AES-256-GCM when set (at least 16 characters), plain otherwise. */
export function secretCipherFromEnv(env: Readonly<Record<string, string | undefined>>): SecretCipher {
  const key = env.SEGFLOW_SECRET_KEY;
  if (key === undefined || key === '') return plainSecrets;
  if (key.length < 16) throw new Error('SEGFLOW_SECRET_KEY must be at least 16 characters');
  return secretCipher(key);
}
