import type { ServiceContext } from '../../lib/context.js';
import { newOpaqueToken } from '../../lib/crypto.js';

/** 32 random bytes, base64url: 256 bits, twice the 128 the design asks for. */
export const newInvitationToken = (): string => newOpaqueToken();

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Links are looked up by the keyed hash (HMAC-SHA256) of their token, never by the token: the database holds
 * nothing that opens a link, and the lookup is an index probe on a value an attacker cannot steer, so no
 * character-by-character comparison leaks timing. A string of the wrong shape answers as an unknown token would.
 */
export function tokenHashOf(ctx: Pick<ServiceContext, 'cipher'>, token: string): string | null {
  return TOKEN_SHAPE.test(token) ? ctx.cipher.lookupHash(`questionnaire-link:${token}`) : null;
}
