import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import type { ProviderId } from './providers/provider.js';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('loadConfig', () => {
  it('needs nothing in sandbox mode and fills the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      publicUrl: 'http://localhost:3000',
      allowedOrigins: ['http://localhost:3000'],
      dataDir: './data',
      databaseUrl: 'sqlite:./data/checkout.db',
      sessionTtlSeconds: 900,
      sandbox: true,
      logLevel: 'info',
    });
    expect(config.providers.milkypay).toBeUndefined();
  });

  it('derives PUBLIC_URL from PORT and trims a trailing slash', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: 'https://pay.example.com/' }).publicUrl).toBe('https://pay.example.com');
  });

  it('names the variable and what is wrong', () => {
    expect(problems({ PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT /)]);
    expect(problems({ SANDBOX: 'maybe' })).toEqual(['SANDBOX must be true or false']);
    expect(problems({ HPAY_MODE: 'LIVE' })).toEqual(['HPAY_MODE must be TEST or PROD']);
    expect(problems({ PUBLIC_URL: 'ftp://x' })).toEqual([expect.stringMatching(/^PUBLIC_URL must be an absolute http\(s\) URL/)]);
    expect(problems({ SESSION_TTL_SECONDS: '5' })).toEqual([expect.stringMatching(/^SESSION_TTL_SECONDS /)]);
    // A value out of range is told the range, not only the kind of value.
    expect(problems({ SESSION_TTL_SECONDS: '10' })).toEqual(['SESSION_TTL_SECONDS must be a whole number of seconds from 60 to 86400']);
    expect(problems({ RECONCILE_INTERVAL_SECONDS: '0' })).toEqual(['RECONCILE_INTERVAL_SECONDS must be a whole number of seconds from 1 to 86400']);
    expect(problems({ PORT: '70000' })).toEqual(['PORT must be a port number from 0 to 65535']);
    expect(problems({ RATE_LIMIT_PER_IP: '-1' })).toEqual(['RATE_LIMIT_PER_IP must be a whole number of requests per minute, 0 (no limit) or more']);
    expect(problems({ DATABASE_URL: 'mysql://db' })).toEqual(['DATABASE_URL must be sqlite:<path> or postgres://...']);
    expect(problems({ LOG_LEVEL: 'loud' })).toEqual(['LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent']);
    expect(problems({ ALLOWED_ORIGINS: 'https://shop.example, not an origin' })).toEqual([
      expect.stringMatching(/^ALLOWED_ORIGINS "not an origin"/),
    ]);
  });

  it('reads the previous webhook secret of a rotation, checked like the secret', () => {
    const webhook = { MERCHANT_WEBHOOK_URL: 'https://shop.example/hooks', MERCHANT_WEBHOOK_SECRET: 'whsec_new_0123456789abcdef' };
    expect(loadConfig({ ...webhook, MERCHANT_WEBHOOK_SECRET_PREVIOUS: 'whsec_old_0123456789abcdef' }).merchantWebhook).toEqual({
      url: 'https://shop.example/hooks',
      secret: 'whsec_new_0123456789abcdef',
      previousSecret: 'whsec_old_0123456789abcdef',
    });
    expect(loadConfig(webhook).merchantWebhook).not.toHaveProperty('previousSecret');
    expect(problems({ ...webhook, MERCHANT_WEBHOOK_SECRET_PREVIOUS: 'short' })).toEqual(['MERCHANT_WEBHOOK_SECRET_PREVIOUS must be at least 16 characters']);
    expect(problems({ MERCHANT_WEBHOOK_SECRET_PREVIOUS: 'whsec_old_0123456789abcdef' })).toEqual([
      'MERCHANT_WEBHOOK_SECRET_PREVIOUS needs MERCHANT_WEBHOOK_SECRET (the new secret) as well',
    ]);
  });

  it("reads and documents each simulator's own faults variable", () => {
    // A Record over ProviderId: a provider added later must be listed here, and so documented.
    const providers: Record<ProviderId, true> = { milkypay: true, paymenthub: true, directcard: true, hankopay: true, hpay: true };
    const docs = ['README.md', '.env.example'].map((file) => [file, readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')] as const);
    for (const id of Object.keys(providers) as ProviderId[]) {
      const name = `${id.toUpperCase()}_SIMULATOR_FAULTS`;
      expect(loadConfig({ [name]: 'error_rate=0.5' }).simulatorFaults[id], name).toBeDefined();
      for (const [file, text] of docs) expect(text.includes(name), `${name} in ${file}`).toBe(true);
    }
  });

  it('requires the keys every instance must share when the database is PostgreSQL', () => {
    expect(problems({ DATABASE_URL: 'postgres://pay@db.internal/checkout' })).toEqual([
      'SESSION_SIGNING_JWK is required with a postgres:// DATABASE_URL, the same for every instance',
      'MERCHANT_API_KEY is required with a postgres:// DATABASE_URL, the same for every instance',
    ]);
    const config = loadConfig({ DATABASE_URL: 'postgres://pay@db.internal/checkout', SESSION_SIGNING_JWK: '{}', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' });
    expect(config.databaseUrl).toBe('postgres://pay@db.internal/checkout');
  });

  it('trusts forwarded client IPs from loopback only unless TRUST_PROXY names the load balancers', () => {
    expect(loadConfig({}).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,fd00::/8' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'fd00::/8']);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(problems({ TRUST_PROXY: 'true' })).toEqual([expect.stringMatching(/^TRUST_PROXY "true" is not false, a hop count/)]);
    expect(problems({ TRUST_PROXY: 'loopback,10.0.0.0/33' })).toEqual([expect.stringMatching(/^TRUST_PROXY "10.0.0.0\/33"/)]);
  });

  it('requires a merchant key outside sandbox mode, and provider credentials together', () => {
    expect(problems({ SANDBOX: 'false' })).toEqual(['MERCHANT_API_KEY is required when SANDBOX is false']);
    expect(problems({ MILKYPAY_BASE_URL: 'https://milkypay.example' })).toEqual([
      'MILKYPAY_PUBLIC_KEY is required when MILKYPAY_BASE_URL is set',
    ]);
    expect(problems({ MILKYPAY_API_USER: 'u' })).toContain('MILKYPAY_API_PASSWORD is required when MILKYPAY_API_USER is set');
  });

  it('reads real MilkyPay credentials and allowed origins', () => {
    const config = loadConfig({
      MILKYPAY_BASE_URL: 'https://milkypay.example/',
      MILKYPAY_PUBLIC_KEY: 'pk_test_x',
      MILKYPAY_API_USER: 'user',
      MILKYPAY_API_PASSWORD: 'pass',
      ALLOWED_ORIGINS: 'https://shop.example,https://www.shop.example',
    });
    expect(config.providers.milkypay).toEqual({ baseUrl: 'https://milkypay.example', publicKey: 'pk_test_x', apiUser: 'user', apiPassword: 'pass' });
    expect(config.allowedOrigins).toEqual(['https://shop.example', 'https://www.shop.example']);
  });

  it('serves no simulator beside a real provider unless SANDBOX=true says so', () => {
    const hankopay = { HANKOPAY_BASE_URL: 'https://hankopay.example', HANKOPAY_API_KEY: 'hkp_live_key' };
    // A shopper could otherwise pay a real order with a simulator's test card, reported as succeeded.
    expect(loadConfig(hankopay).sandbox).toBe(false);
    expect(loadConfig({ ...hankopay, SANDBOX: 'true' }).sandbox).toBe(true);
    expect(loadConfig({}).sandbox).toBe(true);
    expect(loadConfig({ SANDBOX: 'false', MERCHANT_API_KEY: 'sk_live_0123456789abcdef' }).sandbox).toBe(false);
  });

  it('enforces every provider\'s "required together" rules', () => {
    expect(problems({ PAYMENTHUB_REFRESH_TOKEN: 'rt' })).toEqual(['PAYMENTHUB_BASE_URL is required when PAYMENTHUB_REFRESH_TOKEN is set']);
    expect(problems({ DIRECTCARD_BASE_URL: 'https://directcard.example', DIRECTCARD_API_KEY: 'key' })).toEqual([
      'DIRECTCARD_API_SECRET is required when DIRECTCARD_BASE_URL, DIRECTCARD_API_KEY are set',
    ]);
    expect(problems({ HANKOPAY_BASE_URL: 'https://hankopay.example' })).toEqual(['HANKOPAY_API_KEY is required when HANKOPAY_BASE_URL is set']);
    expect(problems({ HPAY_API_KEY: 'k', HPAY_MODE: 'PROD' })).toEqual([
      'HPAY_BASE_URL is required when HPAY_API_KEY is set',
      'HPAY_PUBLIC_KEY is required when HPAY_API_KEY is set',
      'HPAY_SECRET_KEY is required when HPAY_API_KEY is set',
    ]);
    expect(problems({ PAYMENTHUB_BASE_URL: 'payment-hub.example', PAYMENTHUB_REFRESH_TOKEN: 'rt' })).toEqual([
      'PAYMENTHUB_BASE_URL must be an absolute http(s) URL',
    ]);
  });

  it('reads the other providers\' credentials, trimming base URLs and defaulting HPAY_MODE to TEST', () => {
    const config = loadConfig({
      PAYMENTHUB_BASE_URL: 'https://payment-hub.example/',
      PAYMENTHUB_REFRESH_TOKEN: 'refresh',
      DIRECTCARD_BASE_URL: 'https://directcard.example',
      DIRECTCARD_API_KEY: 'key',
      DIRECTCARD_API_SECRET: 'secret',
      HANKOPAY_BASE_URL: 'https://hankopay.example',
      HANKOPAY_API_KEY: 'merchant-key',
      HPAY_BASE_URL: 'https://hpay.example',
      HPAY_API_KEY: 'api',
      HPAY_PUBLIC_KEY: 'public',
      HPAY_SECRET_KEY: 'secret',
    });
    expect(config.providers).toEqual({
      paymenthub: { baseUrl: 'https://payment-hub.example', refreshToken: 'refresh', paymentVendor: undefined },
      directcard: { baseUrl: 'https://directcard.example', apiKey: 'key', apiSecret: 'secret' },
      hankopay: { baseUrl: 'https://hankopay.example', apiKey: 'merchant-key' },
      hpay: { baseUrl: 'https://hpay.example', apiKey: 'api', publicKey: 'public', secretKey: 'secret', mode: 'TEST' },
    });
    expect(
      loadConfig({
        HPAY_BASE_URL: 'https://hpay.example',
        HPAY_API_KEY: 'api',
        HPAY_PUBLIC_KEY: 'public',
        HPAY_SECRET_KEY: 'secret',
        HPAY_MODE: 'PROD',
      }).providers.hpay?.mode,
    ).toBe('PROD');
  });

  it('has no credentials for a provider whose optional variables alone are set', () => {
    expect(loadConfig({ PAYMENTHUB_PAYMENT_VENDOR: 'vendor', HPAY_MODE: 'PROD' }).providers).toEqual({});
  });

  it('treats blank values as unset', () => {
    expect(loadConfig({ PORT: '', MILKYPAY_PUBLIC_KEY: '  ' }).port).toBe(3000);
  });
});
