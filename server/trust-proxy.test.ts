import express from 'express';
import { expect, it } from 'vitest';
import { createApp } from './app.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { ProviderRegistry } from './providers/registry.js';
import type { SessionTokenIssuer } from './sessions/session-token.js';
import { SqliteStore } from './store/sqlite-store.js';

/** The client IP Express derives for a request from `peer` carrying X-Forwarded-For, with the app's TRUST_PROXY. */
async function clientIp(trustProxy: string | undefined, peer: string, forwardedFor: string): Promise<string | undefined> {
  const store = SqliteStore.open(':memory:');
  const { app } = createApp({
    config: loadConfig(trustProxy === undefined ? {} : { TRUST_PROXY: trustProxy }),
    store,
    tokens: {} as SessionTokenIssuer,
    providers: new ProviderRegistry([]),
    logger: createLogger({ level: 'silent' }),
    merchantApiKey: 'sk_test_trust_proxy_key',
    sdkDir: '.',
    cardEntryDir: '.',
  });
  // Express's own derivation of req.ip in this app, for the peer address and header a load balancer gives.
  const req = Object.assign(Object.create(express.request) as express.Request, {
    app,
    headers: { 'x-forwarded-for': forwardedFor },
    socket: { remoteAddress: peer },
    connection: { remoteAddress: peer },
  });
  const ip = req.ip;
  await store.close();
  return ip;
}

it('believes X-Forwarded-For only from the load balancers TRUST_PROXY names (loopback by default)', async () => {
  expect(await clientIp(undefined, '127.0.0.1', '203.0.113.9')).toBe('203.0.113.9');
  expect(await clientIp(undefined, '10.1.2.3', '203.0.113.9')).toBe('10.1.2.3');
  expect(await clientIp('10.0.0.0/8', '10.1.2.3', '203.0.113.9')).toBe('203.0.113.9');
  expect(await clientIp('10.0.0.0/8', '192.0.2.1', '203.0.113.9')).toBe('192.0.2.1');
  expect(await clientIp('false', '127.0.0.1', '203.0.113.9')).toBe('127.0.0.1');
});
