import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { milkypayModule } from './setup.js';

// The providers send through outboundFetch; routed to globalThis.fetch here, which the tests replace.
vi.mock('../../http/outbound-fetch.js', () => ({ outboundFetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args) }));

const logger = createLogger({ level: 'silent' });
const internalUrl = 'http://127.0.0.1:3000';
const store = SqliteStore.open(':memory:');

describe('MilkyPay setup', () => {
  it('uses the simulator in sandbox mode when no credentials are set', () => {
    const setup = milkypayModule.setup({ config: loadConfig({}), logger, internalUrl, store });
    expect(setup?.provider.id).toBe('milkypay');
    expect(setup?.simulator).toBeDefined();
  });

  it('talks to MILKYPAY_BASE_URL with the given credentials, and mounts no simulator', async () => {
    const calls: string[] = [];
    const config = loadConfig({ MILKYPAY_BASE_URL: 'https://milkypay.invalid', MILKYPAY_PUBLIC_KEY: 'pk_test_example' });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL) => {
      calls.push(String(input));
      throw new TypeError('offline');
    }) as typeof fetch;
    try {
      const setup = milkypayModule.setup({ config, logger, internalUrl, store });
      expect(setup?.simulator).toBeUndefined();
      await expect(setup!.provider.listMethods({ currency: 'USD', locale: 'en' })).rejects.toThrow();
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(calls).toEqual(['https://milkypay.invalid/public-api/payment-prerequest']);
  });

  it('offers nothing outside sandbox mode without credentials', () => {
    expect(milkypayModule.setup({ config: loadConfig({ SANDBOX: 'false', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' }), logger, internalUrl, store })).toBeUndefined();
  });
});
