import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logger.js';
import { createMilkyPayProvider } from '../providers/milkypay/adapter.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { startProxy, type ProxyHarness } from '../testing/proxy-harness.js';
import { Readiness } from './readiness.js';

let proxy: ProxyHarness;
beforeAll(async () => {
  proxy = await startProxy();
});
afterAll(async () => {
  await proxy.close();
});

const logger = createLogger({ level: 'silent' });
const milkypay = (apiPassword: string, baseUrl = proxy.simulatorUrl) =>
  createMilkyPayProvider({ baseUrl, publicKey: 'pk_test_harness', apiUser: 'harness', apiPassword });

describe('/readyz', () => {
  it('is ready when the database answers and every provider takes its credentials', async () => {
    const response = await fetch(`${proxy.url}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      ready: true,
      database: 'ok',
      providers: { milkypay: 'ok', directcard: 'not_checked', hankopay: 'ok', hpay: 'ok', paymenthub: 'ok' },
    });
    expect((await fetch(`${proxy.url}/healthz`)).status).toBe(200);
  });

  it('is not ready when a provider refuses the credentials, and says which', async () => {
    const readiness = new Readiness({ store: proxy.store, providers: new ProviderRegistry([milkypay('wrong-password')]), logger });
    expect(await readiness.report()).toEqual({ ready: false, database: 'ok', providers: { milkypay: 'refused' } });
  });

  it('checks a public-key-only MilkyPay with its public key: ready with the right one, refused with a wrong one', async () => {
    const publicOnly = (publicKey: string) => createMilkyPayProvider({ baseUrl: proxy.simulatorUrl, publicKey });
    const ready = new Readiness({ store: proxy.store, providers: new ProviderRegistry([publicOnly('pk_test_harness')]), logger });
    expect(await ready.report()).toEqual({ ready: true, database: 'ok', providers: { milkypay: 'ok' } });
    const refused = new Readiness({ store: proxy.store, providers: new ProviderRegistry([publicOnly('pk_test_wrong')]), logger });
    expect(await refused.report()).toEqual({ ready: false, database: 'ok', providers: { milkypay: 'refused' } });
  });

  it('is not ready when MilkyPay refuses the public key even though the API user and password are right', async () => {
    const wrongKey = createMilkyPayProvider({ baseUrl: proxy.simulatorUrl, publicKey: 'pk_test_wrong', apiUser: 'harness', apiPassword: 'harness-password' });
    const readiness = new Readiness({ store: proxy.store, providers: new ProviderRegistry([wrongKey]), logger });
    expect(await readiness.report()).toEqual({ ready: false, database: 'ok', providers: { milkypay: 'refused' } });
  });

  it('is not ready when an adapter already met a refusal of its credentials', async () => {
    const refused = { ...milkypay('harness-password'), checkCredentials: undefined, credentialsStatus: () => ({ ok: false, message: 'refresh token refused' }) };
    const readiness = new Readiness({ store: proxy.store, providers: new ProviderRegistry([refused]), logger });
    expect(await readiness.report()).toEqual({ ready: false, database: 'ok', providers: { milkypay: 'refused' } });
  });

  it('stays ready when a provider does not answer: an outage is not a configuration fault', async () => {
    const readiness = new Readiness({ store: proxy.store, providers: new ProviderRegistry([milkypay('harness-password', 'http://127.0.0.1:9')]), logger });
    expect(await readiness.report()).toEqual({ ready: true, database: 'ok', providers: { milkypay: 'unverified' } });
  });

  it('is not ready when the database does not answer, or once shutting down', async () => {
    const store = SqliteStore.open(':memory:');
    const readiness = new Readiness({ store, providers: new ProviderRegistry([milkypay('harness-password')]), logger });
    expect((await readiness.report()).ready).toBe(true);
    readiness.drain();
    expect(await readiness.report()).toMatchObject({ ready: false, shuttingDown: true, database: 'ok' });
    await store.close();
    const closed = new Readiness({ store, providers: new ProviderRegistry([milkypay('harness-password')]), logger });
    expect(await closed.report()).toMatchObject({ ready: false, database: 'unreachable' });
  });

  it('asks a provider at most once per check period however often it is probed', async () => {
    let now = 0;
    let calls = 0;
    const provider = { ...milkypay('harness-password'), checkCredentials: async () => void calls++ };
    const readiness = new Readiness({ store: proxy.store, providers: new ProviderRegistry([provider]), logger, providerCheckMs: 30_000, now: () => now });
    await Promise.all([readiness.report(), readiness.report()]);
    now = 29_000;
    await readiness.report();
    expect(calls).toBe(1);
    now = 31_000;
    await readiness.report();
    expect(calls).toBe(2);
  });
});
