/** The Payment Hub token pair on PostgreSQL: instances with pools of their own reset the rotating pair once. */
import { afterAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../store/postgres-store.js';
import { createTestDatabase } from '../../testing/postgres-cluster.js';
import { testPostgres } from '../../testing/postgres-database.js';
import { PaymentHubTokenManager } from './token-manager.js';
import { PAYMENTHUB_TOKEN_LOCK, StorePaymentHubTokenStore } from './token-store.js';

const { url: serverUrl, problem } = testPostgres();
const HOUR = 3_600_000;

/** reset-all-token as the document describes it: each refresh token works once, and the answer rotates both. */
function fakeHub(clock: { now: number }) {
  const resets: string[] = [];
  const valid = new Set(['R0']);
  let issued = 0;
  const fetchImpl = (async (_input: RequestInfo | URL, init: RequestInit = {}) => {
    const bearer = String((init.headers as Record<string, string>).Authorization).replace('Bearer ', '');
    resets.push(bearer);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (!valid.delete(bearer)) return new Response(JSON.stringify({ success: false, message: 'Unauthorized', data: '' }), { status: 401 });
    issued += 1;
    valid.add(`R${issued}`);
    const data = { Token: `A${issued}`, RefreshToken: `R${issued}`, TokenExpired: new Date(clock.now + 24 * HOUR).toISOString(), RefreshTokenExpired: new Date(clock.now + 168 * HOUR).toISOString() };
    return new Response(JSON.stringify({ success: true, message: 'All token reset Successfully', data }), { status: 200 });
  }) as typeof fetch;
  return { resets, fetchImpl };
}

if (!serverUrl) {
  it('resets the Payment Hub pair once across instances on PostgreSQL', () => {
    throw new Error(problem);
  });
} else {
  describe('Payment Hub token pair on PostgreSQL', () => {
    const cleanups: (() => Promise<void>)[] = [];
    afterAll(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });

    it('three instances, 30 concurrent calls at expiry: one reset, every refresh token used once', async () => {
      const database = await createTestDatabase(serverUrl);
      cleanups.push(() => database.drop());
      const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(database.url, { poolSize: 3 })));
      cleanups.push(...stores.map((store) => () => store.close()));
      const clock = { now: Date.parse('2024-03-14T07:56:38.278Z') };
      const hub = fakeHub(clock);
      const managers = stores.map(
        (store) =>
          new PaymentHubTokenManager({
            baseUrl: 'https://hub.example',
            refreshToken: 'R0',
            store: new StorePaymentHubTokenStore(store),
            lock: (fn) => store.withLock(PAYMENTHUB_TOKEN_LOCK, fn),
            fetch: hub.fetchImpl,
            now: () => clock.now,
          }),
      );
      expect(await Promise.all(managers.map((manager) => manager.accessToken()))).toEqual(['A1', 'A1', 'A1']);
      clock.now += 24 * HOUR;
      const tokens = await Promise.all(Array.from({ length: 30 }, (_, n) => managers[n % 3]!.accessToken()));
      expect(new Set(tokens)).toEqual(new Set(['A2']));
      expect(hub.resets).toEqual(['R0', 'R1']);
      expect(managers.every((manager) => manager.authenticationFailure === undefined)).toBe(true);
    });
  });
}
