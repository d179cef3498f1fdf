import { randomBytes } from 'node:crypto';

/** A new random id with a readable prefix: `newId('prof')` → `prof_5Kq…` (128 bits, base64url). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}
