import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { PROVIDER_MODULES } from '../registry.js';
import { paymenthubModule } from './setup.js';
import { PAYMENTHUB_TOKEN_STATE_KEY } from './token-store.js';

// The providers send through outboundFetch; routed to globalThis.fetch here, which the tests replace.
vi.mock('../../http/outbound-fetch.js', () => ({ outboundFetch: (...args: Parameters<typeof fetch>) => globalThis.fetch(...args) }));

const logger = createLogger({ level: 'silent' });
const internalUrl = 'http://127.0.0.1:3000';

describe('paymenthub setup', () => {
  it('is registered, and uses the simulator in sandbox mode when no credentials are set', () => {
    expect(PROVIDER_MODULES).toContain(paymenthubModule);
    const setup = paymenthubModule.setup({ config: loadConfig({}), logger, internalUrl, store: SqliteStore.open(':memory:') });
    expect(setup?.provider.id).toBe('paymenthub');
    expect(setup?.provider.capabilities).toEqual({ refund: true, capture: false, cancel: true, installments: false });
    expect(setup?.simulator).toBeDefined();
  });

  it('resets the configured refresh token at PAYMENTHUB_BASE_URL, keeps the pair in the store, and mounts no simulator', async () => {
    const store = SqliteStore.open(':memory:');
    const config = loadConfig({ PAYMENTHUB_BASE_URL: 'https://hub.invalid', PAYMENTHUB_REFRESH_TOKEN: 'ph_refresh_live' });
    const calls: { url: string; authorization: string }[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push({ url: String(input), authorization: (init.headers as Record<string, string>).Authorization ?? '' });
      if (String(input).endsWith('/api/v1/auth/reset-all-token')) {
        return new Response(JSON.stringify({ success: true, message: 'All token reset Successfully', data: { Token: 'A1', RefreshToken: 'R1' } }), { status: 200 });
      }
      return new Response(JSON.stringify({ success: true, message: 'Success', data: [] }), { status: 200 });
    }) as typeof fetch;
    try {
      const setup = paymenthubModule.setup({ config, logger, internalUrl, store });
      expect(setup?.simulator).toBeUndefined();
      expect(await setup!.provider.listMethods({ currency: 'IDR', locale: 'en' })).toEqual([]);
    } finally {
      globalThis.fetch = realFetch;
    }
    expect(calls.map((call) => [call.url, call.authorization]).sort()).toEqual([
      ['https://hub.invalid/api/v1/auth/reset-all-token', 'Bearer ph_refresh_live'],
      ['https://hub.invalid/api/v1/payment-gateway', 'Bearer A1'],
      ['https://hub.invalid/api/v1/vendor-payment-gateway', 'Bearer A1'],
    ]);
    expect(JSON.parse((await store.getProviderState(PAYMENTHUB_TOKEN_STATE_KEY)) ?? '{}')).toMatchObject({ accessToken: 'A1', refreshToken: 'R1' });
  });

  it('offers nothing outside sandbox mode without credentials', () => {
    const config = loadConfig({ SANDBOX: 'false', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' });
    expect(paymenthubModule.setup({ config, logger, internalUrl, store: SqliteStore.open(':memory:') })).toBeUndefined();
  });
});
