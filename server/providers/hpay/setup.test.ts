import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { hpayModule } from './setup.js';

// The providers send through outboundFetch; routed to globalThis.fetch here, which the tests replace.
vi.mock('../../http/outbound-fetch.js', () => ({ outboundFetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args) }));

const logger = createLogger({ level: 'silent' });
const internalUrl = 'http://127.0.0.1:3000';
const store = SqliteStore.open(':memory:');

describe('hpay setup', () => {
  it('uses the simulator in sandbox mode when no credentials are set', () => {
    const setup = hpayModule.setup({ config: loadConfig({}), logger, internalUrl, store });
    expect(setup?.provider.id).toBe('hpay');
    expect(setup?.provider.capabilities).toEqual({ refund: false, capture: false, cancel: false, installments: false });
    expect(setup?.simulator).toBeDefined();
  });

  it('talks to HPAY_BASE_URL with the three keys and the mode, and mounts no simulator', async () => {
    const calls: { url: string; body: unknown }[] = [];
    const config = loadConfig({
      HPAY_BASE_URL: 'https://hpay.invalid',
      HPAY_API_KEY: 'live_api',
      HPAY_PUBLIC_KEY: 'live_public',
      HPAY_SECRET_KEY: 'live_secret',
      HPAY_MODE: 'PROD',
    });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push({ url: String(input), body: JSON.parse(String(init.body)) });
      throw new TypeError('offline');
    }) as typeof fetch;
    try {
      const setup = hpayModule.setup({ config, logger, internalUrl, store });
      expect(setup?.simulator).toBeUndefined();
      await expect(setup!.provider.listMethods({ currency: 'CAD', locale: 'en' })).rejects.toThrow(/could not be reached for getToken/);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(calls).toEqual([
      { url: 'https://hpay.invalid/getToken/', body: { api_key: 'live_api', api_public_key: 'live_public', api_secret_key: 'live_secret', mode: 'PROD' } },
    ]);
  });

  it('offers nothing outside sandbox mode without credentials', () => {
    expect(hpayModule.setup({ config: loadConfig({ SANDBOX: 'false', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' }), logger, internalUrl, store })).toBeUndefined();
  });
});
