/** The token pair's life: rotation saved before use, renewal ahead of expiry, single flight, 401s, refusals. */
import { providerRejection as rejection } from '../../testing/rejections.js';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { callPaymentHub } from './http.js';
import { paymentHubEnvelopeSchema } from './paymenthub-types.js';
import { InMemoryPaymentHubTokenStore, PaymentHubTokenManager, type PaymentHubTokenPair } from './token-manager.js';

const BASE = 'https://hub.example';
const HOUR = 3_600_000;
const T0 = Date.parse('2024-03-14T07:56:38.278Z');

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** The document's reset answer with our own tokens and ends (24 h and 7 days from `at`). */
function resetAnswer(n: number, at: number): Response {
  const base = fixture('reset-all-token-response');
  const data = base.data as Record<string, unknown>;
  return json(200, {
    ...base,
    data: { ...data, Token: `A${n}`, RefreshToken: `R${n}`, TokenExpired: new Date(at + 24 * HOUR).toISOString(), RefreshTokenExpired: new Date(at + 168 * HOUR).toISOString() },
  });
}

const unauthorized = () => json(401, { success: false, message: 'Unauthorized', data: '' });

interface Harness {
  events: string[];
  resets: string[];
  manager: PaymentHubTokenManager;
  store: InMemoryPaymentHubTokenStore;
  clock: { now: number };
}

/**
 * A fake Payment Hub: reset-all-token answers from `resetReplies` (default: a fresh pair each
 * time); `/api/v1/ping` answers 200 to the current access token and 401 to any other.
 */
function harness(options: { resetReplies?: (() => Response)[]; store?: InMemoryPaymentHubTokenStore; refreshToken?: string; apiRejects?: number } = {}): Harness {
  const events: string[] = [];
  const resets: string[] = [];
  const clock = { now: T0 };
  let issued = 0;
  let apiRejects = options.apiRejects ?? 0;
  const store = options.store ?? new InMemoryPaymentHubTokenStore();
  const save = store.save.bind(store);
  store.save = async (pair: PaymentHubTokenPair) => {
    events.push(`save ${pair.accessToken}/${pair.refreshToken}`);
    await save(pair);
  };
  const fetchImpl = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const path = new URL(String(input)).pathname;
    const bearer = String((init.headers as Record<string, string>).Authorization).replace('Bearer ', '');
    await Promise.resolve();
    if (path === '/api/v1/auth/reset-all-token') {
      resets.push(bearer);
      events.push(`reset ${bearer}`);
      const scripted = options.resetReplies?.shift();
      if (scripted) return scripted();
      issued += 1;
      return resetAnswer(issued, clock.now);
    }
    events.push(`call ${bearer}`);
    if (apiRejects > 0) {
      apiRejects -= 1;
      return unauthorized();
    }
    return json(200, { success: true, message: 'ok', data: bearer });
  }) as typeof fetch;
  const manager = new PaymentHubTokenManager({ baseUrl: BASE, refreshToken: options.refreshToken ?? 'R0', store, fetch: fetchImpl, now: () => clock.now });
  const ping = (token: string) =>
    callPaymentHub({ baseUrl: BASE, fetch: fetchImpl }, { operation: 'ping', method: 'GET', path: '/api/v1/ping', bearer: token, auth: false, movesMoney: false, timeoutMs: 1000, schema: paymentHubEnvelopeSchema });
  Object.assign(manager, { ping: () => manager.withAccessToken(ping) });
  return { events, resets, manager, store, clock };
}

const ping = (h: Harness) => (h.manager as unknown as { ping: () => Promise<{ data: unknown }> }).ping();


describe('PaymentHubTokenManager', () => {
  it('bootstraps from the configured refresh token and saves the rotated pair before using it', async () => {
    const h = harness();
    expect((await ping(h)).data).toBe('A1');
    expect(h.events).toEqual(['reset R0', 'save A1/R1', 'call A1']);
    expect(h.store.saved).toEqual([{ accessToken: 'A1', accessTokenExpiresAt: T0 + 24 * HOUR, refreshToken: 'R1', refreshTokenExpiresAt: T0 + 168 * HOUR }]);
  });

  it('reads the document’s reset answer (its ends, its tokens)', async () => {
    const h = harness({ resetReplies: [() => json(200, fixture('reset-all-token-response'))] });
    expect(await h.manager.accessToken()).toBe('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9');
    expect(h.store.saved[0]).toMatchObject({ accessTokenExpiresAt: Date.parse('2024-03-15T07:56:38.278Z'), refreshTokenExpiresAt: Date.parse('2024-03-21T07:56:45.809Z') });
  });

  it('renews ahead of expiry with the newest refresh token, and saves each rotation', async () => {
    const h = harness();
    await h.manager.accessToken();
    h.clock.now = T0 + 24 * HOUR - 10 * 60_000 - 1;
    expect(await h.manager.accessToken()).toBe('A1');
    h.clock.now = T0 + 24 * HOUR - 10 * 60_000;
    expect(await h.manager.accessToken()).toBe('A2');
    expect(h.resets).toEqual(['R0', 'R1']);
    expect(h.events).toEqual(['reset R0', 'save A1/R1', 'reset R1', 'save A2/R2']);
  });

  it('shares one reset among 10 concurrent callers', async () => {
    const h = harness();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => ping(h)));
    expect(tokens.map((answer) => answer.data)).toEqual(Array(10).fill('A1'));
    expect(h.resets).toEqual(['R0']);
    expect(h.store.saved).toHaveLength(1);
  });

  it('shares one reset among 20 concurrent callers at expiry', async () => {
    const h = harness();
    await h.manager.accessToken();
    h.clock.now = T0 + 24 * HOUR;
    await Promise.all(Array.from({ length: 20 }, () => ping(h)));
    expect(h.resets).toEqual(['R0', 'R1']);
  });

  it('on a 401: exactly one reset and one retry', async () => {
    const h = harness({ apiRejects: 1 });
    await h.manager.accessToken();
    expect((await ping(h)).data).toBe('A2');
    expect(h.events).toEqual(['reset R0', 'save A1/R1', 'call A1', 'reset R1', 'save A2/R2', 'call A2']);
  });

  it('on a second 401: authentication_failed, never a loop', async () => {
    const h = harness({ apiRejects: 5 });
    const error = await rejection(ping(h));
    expect(error.code).toBe('authentication_failed');
    expect(error.message).toMatch(/refused a freshly reset access token too/);
    expect(h.events).toEqual(['reset R0', 'save A1/R1', 'call A1', 'reset R1', 'save A2/R2', 'call A2']);
  });

  it('concurrent 401s on one token share one reset', async () => {
    const h = harness({ apiRejects: 3 });
    await h.manager.accessToken();
    await Promise.all([ping(h), ping(h), ping(h)]);
    expect(h.resets).toEqual(['R0', 'R1']);
  });

  it('reports a refused refresh token clearly, remembers it, and tries again only with a new one', async () => {
    const h = harness({ resetReplies: [unauthorized] });
    const first = await rejection(ping(h));
    expect(first.code).toBe('authentication_failed');
    expect(first.message).toMatch(/refresh token is invalid or expired: set PAYMENTHUB_REFRESH_TOKEN/);
    const second = await rejection(ping(h));
    expect(second).toBe(first);
    expect(h.manager.authenticationFailure).toBe(first);
    expect(h.resets).toEqual(['R0']);
    expect(h.events.filter((event) => event.startsWith('call'))).toEqual([]);

    h.manager.useRefreshToken('R-new');
    expect((await ping(h)).data).toBe('A1');
    expect(h.resets).toEqual(['R0', 'R-new']);
  });

  it('a restarted proxy reuses the stored pair without a reset', async () => {
    const store = new InMemoryPaymentHubTokenStore({ accessToken: 'A7', accessTokenExpiresAt: T0 + 20 * HOUR, refreshToken: 'R7', refreshTokenExpiresAt: T0 + 100 * HOUR });
    const h = harness({ store });
    expect(await h.manager.accessToken()).toBe('A7');
    h.clock.now = T0 + 20 * HOUR;
    await h.manager.accessToken();
    expect(h.resets).toEqual(['R7']);
  });

  it('falls back once to the configured refresh token when the stored one is refused', async () => {
    const store = new InMemoryPaymentHubTokenStore({ accessToken: 'A7', accessTokenExpiresAt: T0 - HOUR, refreshToken: 'R7', refreshTokenExpiresAt: T0 - HOUR });
    const h = harness({ store, refreshToken: 'R-operator', resetReplies: [unauthorized] });
    expect(await h.manager.accessToken()).toBe('A1');
    expect(h.resets).toEqual(['R7', 'R-operator']);
  });

  it('keeps a rotated pair the store refused, and saves it before use on the next call', async () => {
    const h = harness();
    const save = h.store.save.bind(h.store);
    let fail = true;
    h.store.save = async (pair) => {
      if (fail) throw new Error('disk full');
      await save(pair);
    };
    const error = await rejection(h.manager.accessToken());
    expect(error.code).toBe('provider_unavailable');
    expect(error.message).not.toMatch(/A1|R1/);
    fail = false;
    expect(await h.manager.accessToken()).toBe('A1');
    expect(h.resets).toEqual(['R0']);
    expect(h.store.saved.map((pair) => pair.refreshToken)).toEqual(['R1']);
  });

  it('uses a fresh token announced as already expired (clock skew) for a minute instead of resetting per call', async () => {
    const h = harness({ resetReplies: [() => resetAnswer(1, T0 - 48 * HOUR)] });
    await h.manager.accessToken();
    await h.manager.accessToken();
    h.clock.now = T0 + 59_999;
    await h.manager.accessToken();
    expect(h.resets).toEqual(['R0']);
  });
});
