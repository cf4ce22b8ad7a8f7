import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { directcardModule } from './setup.js';

// The providers send through outboundFetch; routed to globalThis.fetch here, which the tests replace.
vi.mock('../../http/outbound-fetch.js', () => ({ outboundFetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args) }));

const logger = createLogger({ level: 'silent' });
const internalUrl = 'http://127.0.0.1:3000';
const store = SqliteStore.open(':memory:');

describe('directcard setup', () => {
  it('uses the simulator in sandbox mode when no credentials are set', () => {
    const setup = directcardModule.setup({ config: loadConfig({}), logger, internalUrl, store });
    expect(setup?.provider.id).toBe('directcard');
    expect(setup?.provider.capabilities).toEqual({ refund: false, capture: true, cancel: false, installments: true });
    expect(setup?.simulator).toBeDefined();
  });

  it('talks to DIRECTCARD_BASE_URL with the given key and secret, and mounts no simulator', async () => {
    const calls: { url: string; headers: Record<string, string> }[] = [];
    const config = loadConfig({
      DIRECTCARD_BASE_URL: 'https://directcard.invalid',
      DIRECTCARD_API_KEY: 'dc_live_key',
      DIRECTCARD_API_SECRET: 'dc_live_secret',
    });
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push({ url: String(input), headers: { ...(init.headers as Record<string, string>) } });
      throw new TypeError('offline');
    }) as typeof fetch;
    try {
      const setup = directcardModule.setup({ config, logger, internalUrl, store });
      expect(setup?.simulator).toBeUndefined();
      await expect(setup!.provider.installmentOptions!({ bin: '54211901', amount: 100000, currency: 'TRY' })).rejects.toThrow(/could not be reached/);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(calls).toEqual([
      { url: 'https://directcard.invalid/api/installment-options', headers: expect.objectContaining({ 'X-API-KEY': 'dc_live_key', 'X-API-SECRET': 'dc_live_secret' }) as unknown },
    ]);
  });

  it('offers nothing outside sandbox mode without credentials', () => {
    expect(directcardModule.setup({ config: loadConfig({ SANDBOX: 'false', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' }), logger, internalUrl, store })).toBeUndefined();
  });
});
