import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * Field-level protection for identifiers such as resident ID numbers: AES-256-GCM for the stored value and a
 * keyed hash (HMAC-SHA256) for exact lookup, both derived from HCRM_SECRET_KEY with HKDF so one secret serves both.
 */
export interface FieldCipher {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
  lookupHash(plain: string): string;
}

export function createFieldCipher(secretKey: string): FieldCipher {
  const master = Buffer.from(secretKey, 'utf8');
  const encKey = Buffer.from(hkdfSync('sha256', master, 'hcrm', 'field-encryption', 32));
  const macKey = Buffer.from(hkdfSync('sha256', master, 'hcrm', 'lookup-hash', 32));
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    decrypt(sealed) {
      const raw = Buffer.from(sealed.slice(3), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', encKey, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
    lookupHash(plain) {
      return createHmac('sha256', macKey).update(plain).digest('hex');
    },
  };
}

/** Session tokens and similar secrets are stored only as their SHA-256; the token itself is shown once. */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}
