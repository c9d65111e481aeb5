import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X-Twilio-Signature as Twilio computes it: HMAC-SHA1 with the account's auth token over the full URL Twilio
 * requested, followed by every POST parameter's name and value, sorted by name (a repeated name contributes each distinct
 * value, sorted), base64-encoded. Checked against twilio.getExpectedTwilioSignature in the tests.
 */
export function expectedTwilioSignature(authToken: string, url: string, params: Record<string, string | string[]>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => {
      const value = params[key]!;
      return acc + (Array.isArray(value) ? [...new Set(value)].sort().map((v) => key + v).join('') : key + value);
    }, url);
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

export function validTwilioSignature(authToken: string, signature: string | undefined, url: string, params: Record<string, string | string[]>): boolean {
  if (!signature) return false;
  const expected = Buffer.from(expectedTwilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
