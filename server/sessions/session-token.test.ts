import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, UnsecuredJWT } from 'jose';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionTokens, SESSION_AUDIENCE } from './session-token.js';
import { loadSigningKey } from './signing-key.js';

const ISSUER = 'http://localhost:3000';

describe('session tokens', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pay-checkout-key-'));
  const key = await loadSigningKey({ dataDir });
  const tokens = createSessionTokens(key, ISSUER);
  const inAMinute = () => new Date(Date.now() + 60_000);

  it('round-trips a session id, and the merchant origin it is bound to', async () => {
    expect(await tokens.verify(await tokens.sign('ses_1', inAMinute()))).toEqual({ sessionId: 'ses_1' });
    expect(await tokens.verify(await tokens.sign('ses_1', inAMinute(), 'https://shop.example'))).toEqual({
      sessionId: 'ses_1',
      origin: 'https://shop.example',
    });
  });

  it('writes a standard ES256 JWT: jose verifies it with the public key alone, claims and header as documented', async () => {
    const expiresAt = inAMinute();
    const token = await tokens.sign('ses_std', expiresAt, 'https://shop.example');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'JWT', kid: key.kid });
    const { payload } = await jwtVerify(token, key.publicKey, { algorithms: ['ES256'], issuer: ISSUER, audience: SESSION_AUDIENCE });
    const now = Math.floor(Date.now() / 1000);
    expect(payload).toEqual({ sub: 'ses_std', origin: 'https://shop.example', iss: ISSUER, aud: SESSION_AUDIENCE, iat: expect.any(Number), nbf: expect.any(Number), exp: Math.floor(expiresAt.getTime() / 1000) });
    expect(Math.abs(payload.iat! - now)).toBeLessThanOrEqual(2);
    expect(payload.nbf).toBe(payload.iat);
    // The signature is the 64-byte r||s of JWS, not DER.
    expect(Buffer.from(token.split('.')[2]!, 'base64url')).toHaveLength(64);
  });

  it('refuses to sign a token without a valid expiry', async () => {
    await expect(tokens.sign('ses_bad', new Date(Number.NaN))).rejects.toThrow(/valid expiry/);
  });

  it('keeps the generated key, so a restart still accepts live tokens', async () => {
    const token = await tokens.sign('ses_2', inAMinute());
    const restarted = createSessionTokens(await loadSigningKey({ dataDir }), ISSUER);
    expect((await restarted.verify(token)).sessionId).toBe('ses_2');
  });

  it('refuses expired, foreign-issuer, wrong-audience, unsigned and tampered tokens', async () => {
    const expired = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('s').setIssuer(ISSUER)
      .setAudience(SESSION_AUDIENCE).setIssuedAt(Math.floor(Date.now() / 1000) - 120).setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(key.privateKey);
    await expect(tokens.verify(expired)).rejects.toThrow(/expired/);

    const otherIssuer = createSessionTokens(key, 'https://elsewhere.example');
    await expect(tokens.verify(await otherIssuer.sign('s', inAMinute()))).rejects.toThrow(/not valid/);

    const wrongAudience = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('s').setIssuer(ISSUER)
      .setAudience('someone-else').setIssuedAt().setExpirationTime('1m').sign(key.privateKey);
    await expect(tokens.verify(wrongAudience)).rejects.toThrow(/not valid/);

    const unsigned = new UnsecuredJWT({}).setSubject('s').setIssuer(ISSUER).setAudience(SESSION_AUDIENCE).setIssuedAt().setExpirationTime('1m').encode();
    await expect(tokens.verify(unsigned)).rejects.toThrow(/not valid/);

    const [header, payload, signature] = (await tokens.sign('ses_3', inAMinute())).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'ses_other' })).toString('base64url');
    await expect(tokens.verify(`${header}.${forged}.${signature}`)).rejects.toThrow(/not valid/);
  });

  it('refuses a token signed with another key, and with HS256 using the public key as secret', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setSubject('s').setIssuer(ISSUER)
      .setAudience(SESSION_AUDIENCE).setIssuedAt().setExpirationTime('1m').sign(privateKey);
    await expect(tokens.verify(foreign)).rejects.toThrow(/not valid/);

    const publicJwk = JSON.stringify(await exportJWK(key.publicKey));
    const confused = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('s').setIssuer(ISSUER)
      .setAudience(SESSION_AUDIENCE).setIssuedAt().setExpirationTime('1m').sign(new TextEncoder().encode(publicJwk));
    await expect(tokens.verify(confused)).rejects.toThrow(/not valid/);
  });

  it('accepts a key given as SESSION_SIGNING_JWK and rejects a public-only one', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = JSON.stringify(await exportJWK(privateKey));
    const given = createSessionTokens(await loadSigningKey({ jwk, dataDir }), ISSUER);
    expect((await given.verify(await given.sign('ses_4', inAMinute()))).sessionId).toBe('ses_4');
    const { d: _d, ...publicOnly } = JSON.parse(jwk);
    await expect(loadSigningKey({ jwk: JSON.stringify(publicOnly), dataDir })).rejects.toThrow(/SESSION_SIGNING_JWK must be a private EC P-256 JWK/);
  });
});

describe('session token cache', async () => {
  const key = await loadSigningKey({ dataDir: mkdtempSync(join(tmpdir(), 'pay-checkout-key-')) });
  const tokens = createSessionTokens(key, ISSUER);

  it('still refuses a token once it has expired, after a cached success', async () => {
    const token = await tokens.sign('ses_short', new Date(Date.now() + 1500));
    expect((await tokens.verify(token)).sessionId).toBe('ses_short');
    expect((await tokens.verify(token)).sessionId).toBe('ses_short');
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await expect(tokens.verify(token)).rejects.toThrow(/expired/);
  });

  it('does not let a tampered copy of a cached token through', async () => {
    const token = await tokens.sign('ses_cached', new Date(Date.now() + 60_000));
    await tokens.verify(token);
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'ses_other' })).toString('base64url')}.${signature}`;
    await expect(tokens.verify(tampered)).rejects.toThrow(/not valid/);
  });
});
