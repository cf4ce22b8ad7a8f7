/** The token pair in the SQLite store: kept across a restart, and one reset for two managers on one database. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../../store/sqlite-store.js';
import { PaymentHubTokenManager } from './token-manager.js';
import { PAYMENTHUB_TOKEN_LOCK, PAYMENTHUB_TOKEN_STATE_KEY, StorePaymentHubTokenStore } from './token-store.js';

const BASE = 'https://hub.example';
const HOUR = 3_600_000;
const T0 = Date.parse('2024-03-14T07:56:38.278Z');

/** A fake reset-all-token: each refresh token works once and the answer rotates both tokens. */
function fakeHub(clock: { now: number }) {
  const resets: string[] = [];
  let issued = 0;
  const valid = new Set(['R0']);
  const fetchImpl = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
    const bearer = String((init.headers as Record<string, string>).Authorization).replace('Bearer ', '');
    resets.push(bearer);
    await new Promise((resolve) => setTimeout(resolve, 2));
    if (!valid.delete(bearer)) return new Response(JSON.stringify({ success: false, message: 'Unauthorized', data: '' }), { status: 401 });
    issued += 1;
    valid.add(`R${issued}`);
    const data = { Token: `A${issued}`, RefreshToken: `R${issued}`, TokenExpired: new Date(clock.now + 24 * HOUR).toISOString(), RefreshTokenExpired: new Date(clock.now + 168 * HOUR).toISOString() };
    return new Response(JSON.stringify({ success: true, message: 'All token reset Successfully', data }), { status: 200 });
  }) as typeof fetch;
  return { resets, fetchImpl };
}

function manager(store: SqliteStore, hub: ReturnType<typeof fakeHub>, clock: { now: number }) {
  return new PaymentHubTokenManager({
    baseUrl: BASE,
    refreshToken: 'R0',
    store: new StorePaymentHubTokenStore(store),
    lock: (fn) => store.withLock(PAYMENTHUB_TOKEN_LOCK, fn),
    fetch: hub.fetchImpl,
    now: () => clock.now,
  });
}

describe('Payment Hub token pair in the SQLite store', () => {
  it('survives a restart: the new process uses the stored pair, then rotates with the stored refresh token', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'paymenthub-tokens-')), 'checkout.db');
    const clock = { now: T0 };
    const hub = fakeHub(clock);
    const first = SqliteStore.open(path);
    expect(await manager(first, hub, clock).accessToken()).toBe('A1');
    await first.close();

    const second = SqliteStore.open(path);
    expect(JSON.parse((await second.getProviderState(PAYMENTHUB_TOKEN_STATE_KEY)) ?? '{}')).toMatchObject({ accessToken: 'A1', refreshToken: 'R1' });
    const restarted = manager(second, hub, clock);
    expect(await restarted.accessToken()).toBe('A1');
    expect(hub.resets).toEqual(['R0']);
    clock.now = T0 + 24 * HOUR;
    expect(await restarted.accessToken()).toBe('A2');
    // The configured R0 was used once and is dead; the restarted proxy never sent it again.
    expect(hub.resets).toEqual(['R0', 'R1']);
    await second.close();
  });

  it('two managers on one database, 20 concurrent calls at expiry: exactly one reset', async () => {
    const store = SqliteStore.open(':memory:');
    const clock = { now: T0 };
    const hub = fakeHub(clock);
    const a = manager(store, hub, clock);
    const b = manager(store, hub, clock);
    await a.accessToken();
    clock.now = T0 + 24 * HOUR;
    const tokens = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).accessToken()));
    expect(new Set(tokens)).toEqual(new Set(['A2']));
    expect(hub.resets).toEqual(['R0', 'R1']);
    expect(a.authenticationFailure).toBeUndefined();
    expect(b.authenticationFailure).toBeUndefined();
    await store.close();
  });

  it('reads an unreadable stored value as no pair', async () => {
    const store = SqliteStore.open(':memory:');
    await store.saveProviderState(PAYMENTHUB_TOKEN_STATE_KEY, 'not json');
    expect(await new StorePaymentHubTokenStore(store).load()).toBeUndefined();
    await store.close();
  });
});
