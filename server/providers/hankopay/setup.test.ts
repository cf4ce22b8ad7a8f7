import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { hankopayModule } from './setup.js';

// The providers send through outboundFetch; routed to globalThis.fetch here, which the tests replace.
vi.mock('../../http/outbound-fetch.js', () => ({ outboundFetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args) }));

const logger = createLogger({ level: 'silent' });
const internalUrl = 'http://127.0.0.1:3000';
const store = SqliteStore.open(':memory:');

describe('hankopay setup', () => {
  it('uses the simulator in sandbox mode when no credentials are set', () => {
    const setup = hankopayModule.setup({ config: loadConfig({}), logger, internalUrl, store });
    expect(setup?.provider.id).toBe('hankopay');
    expect(setup?.provider.capabilities).toEqual({ refund: true, capture: false, cancel: false, installments: false });
    expect(setup?.simulator).toBeDefined();
  });

  it('talks to HANKOPAY_BASE_URL/api/v1 with the merchant API key as Bearer, and mounts no simulator', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const config = loadConfig({ HANKOPAY_BASE_URL: 'https://hankopay.invalid', HANKOPAY_API_KEY: 'hkp_live_key' });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push({ url: String(input), headers: { ...(init.headers as Record<string, string>) } });
      throw new TypeError('offline');
    }) as typeof fetch;
    try {
      const setup = hankopayModule.setup({ config, logger, internalUrl, store });
      expect(setup?.simulator).toBeUndefined();
      await expect(setup!.provider.walletBalances!()).rejects.toThrow(/could not be reached for the wallet balance/);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(calls).toEqual([{ url: 'https://hankopay.invalid/api/v1/wallet/balance', headers: expect.objectContaining({ Authorization: 'Bearer hkp_live_key' }) as unknown }]);
  });

  it('offers nothing outside sandbox mode without credentials', () => {
    expect(hankopayModule.setup({ config: loadConfig({ SANDBOX: 'false', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' }), logger, internalUrl, store })).toBeUndefined();
  });
});
