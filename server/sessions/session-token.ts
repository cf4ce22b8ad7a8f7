import { errors, jwtVerify } from 'jose';
import { KeyObject, sign as signDigest } from 'node:crypto';
import { AppError } from '../errors.js';
import type { SigningKey } from './signing-key.js';

/** The audience of session tokens: the widget API of this proxy, and nothing else. */
export const SESSION_AUDIENCE = 'pay-checkout:widget';

export interface SessionClaims {
  sessionId: string;
  /** The merchant page origin the token is bound to; absent when any allowed origin may use it. */
  origin?: string;
}

export interface SessionTokenIssuer {
  sign(sessionId: string, expiresAt: Date, origin?: string): Promise<string>;
  /** Returns the session id and bound origin, or throws AppError('unauthorized'). */
  verify(token: string): Promise<SessionClaims>;
}

/** How many verified tokens to remember; the oldest is forgotten first. */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * ES256 session tokens. jose verifies them: the algorithm is pinned; exp, nbf, aud and iss are checked.
 *
 * They are signed with node:crypto instead of jose's SignJWT: jose 6 signs through WebCrypto, which
 * cost 186 µs of CPU per token here against 58 µs for the same ES256 signature from node:crypto,
 * a third of a whole session creation (BENCHMARKS.md). Writing a compact JWS is only base64url and
 * one signature; every token is still checked by jose, and session-token.test.ts verifies the
 * output with jose's own jwtVerify.
 *
 * A widget polls with the same token many times; verifying its signature each time would cost more
 * than the rest of the request. So a token whose signature checked out is remembered, keyed by its
 * exact text (a changed byte is another key), and only its expiry is checked again.
 */
export function createSessionTokens(key: SigningKey, issuer: string): SessionTokenIssuer {
  const verified = new Map<string, { claims: SessionClaims; expiresAt: number }>();
  const remember = (token: string, claims: SessionClaims, exp: number) => {
    if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
    verified.set(token, { claims, expiresAt: exp * 1000 });
  };
  const privateKey = KeyObject.from(key.privateKey);
  const header = base64url(JSON.stringify({ alg: 'ES256', typ: 'JWT', kid: key.kid }));
  return {
    async sign(sessionId, expiresAt, origin) {
      const now = Math.floor(Date.now() / 1000);
      const exp = Math.floor(expiresAt.getTime() / 1000);
      if (!Number.isSafeInteger(exp)) throw new TypeError('the session token needs a valid expiry date');
      const claims = { ...(origin ? { origin } : {}), sub: sessionId, iss: issuer, aud: SESSION_AUDIENCE, iat: now, nbf: now, exp };
      const signingInput = `${header}.${base64url(JSON.stringify(claims))}`;
      // JWS wants the raw r||s pair (IEEE P1363), not the DER that node:crypto gives by default.
      const signature = signDigest('sha256', Buffer.from(signingInput), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      return `${signingInput}.${signature.toString('base64url')}`;
    },

    async verify(token) {
      const known = verified.get(token);
      if (known) {
        if (Date.now() < known.expiresAt) return known.claims;
        verified.delete(token);
        throw new AppError('unauthorized', 'the session token has expired; create a new session');
      }
      try {
        const { payload } = await jwtVerify(token, key.publicKey, {
          algorithms: ['ES256'],
          issuer,
          audience: SESSION_AUDIENCE,
          requiredClaims: ['sub', 'exp', 'iat'],
          clockTolerance: 5,
        });
        if (typeof payload.sub !== 'string' || payload.sub === '') throw new AppError('unauthorized', 'the session token names no session');
        if (payload.origin !== undefined && typeof payload.origin !== 'string') throw new AppError('unauthorized', 'the session token is not valid');
        const claims: SessionClaims = { sessionId: payload.sub, ...(payload.origin ? { origin: payload.origin } : {}) };
        remember(token, claims, payload.exp!);
        return claims;
      } catch (error) {
        if (error instanceof AppError) throw error;
        if (error instanceof errors.JWTExpired) throw new AppError('unauthorized', 'the session token has expired; create a new session');
        throw new AppError('unauthorized', 'the session token is not valid');
      }
    },
  };
}

function base64url(text: string): string {
  return Buffer.from(text).toString('base64url');
}
