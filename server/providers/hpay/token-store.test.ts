/** HPAY's token shared by several proxy instances through the PostgreSQL store: one getToken for all of them. */
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../store/postgres-store.js';
import { createTestDatabase } from '../../testing/postgres-cluster.js';
import { testPostgres } from '../../testing/postgres-database.js';
import { HpayClient } from './client.js';
import { createHpaySimulator, type HpaySimulator } from './simulator.js';
import { HPAY_TOKEN_STATE_KEY, storeSharedHpayToken } from './token-store.js';

const { url: serverUrl, problem } = testPostgres();
const KEYS = { apiKey: 'hpay_key_shared', publicKey: 'hpay_public_shared', secretKey: 'hpay_secret_shared', mode: 'TEST' as const };

if (!serverUrl) {
  it('shares the HPAY token through PostgreSQL', () => {
    throw new Error(problem);
  });
} else {
  describe('HPAY token shared by instances on one PostgreSQL', () => {
    let server: Server;
    let simulator: HpaySimulator;
    let baseUrl: string;
    let stores: PostgresStore[];
    let drop: () => Promise<void>;

    beforeAll(async () => {
      server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      simulator = createHpaySimulator({ ...KEYS, currency: 'CAD', publicUrl: baseUrl });
      server.on('request', express().use(simulator));
      const database = await createTestDatabase(serverUrl);
      drop = database.drop;
      // Three stores with pools of their own: as three processes, only PostgreSQL's lock is shared.
      stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open(database.url, { poolSize: 3 })));
    });
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
      await new Promise((resolve) => server.close(resolve));
      await drop();
    });

    const client = (store: PostgresStore) => new HpayClient({ baseUrl, ...KEYS, sharedToken: storeSharedHpayToken(store) });

    it('gets one token for 30 concurrent calls on three instances, and all of them use it', async () => {
      const clients = stores.map(client);
      const before = simulator.stats.calls.getToken ?? 0;
      const tokens = await Promise.all(Array.from({ length: 30 }, (_, n) => clients[n % 3]!.accessToken()));
      expect((simulator.stats.calls.getToken ?? 0) - before).toBe(1);
      expect(new Set(tokens.map((token) => token.token)).size).toBe(1);
      expect(JSON.parse((await stores[0]!.getProviderState(HPAY_TOKEN_STATE_KEY)) ?? '{}')).toMatchObject({ token: tokens[0]!.token, currency: 'CAD' });
    });

    it('replaces a shared token HPAY refuses, once, and never takes the refused one back', async () => {
      await stores[0]!.saveProviderState(HPAY_TOKEN_STATE_KEY, JSON.stringify({ token: 'refused-by-hpay', usableUntil: Date.now() + 600_000 }));
      const [first, second] = [client(stores[1]!), client(stores[2]!)];
      const before = simulator.stats.calls.getToken ?? 0;
      const balances = await Promise.all([first.getCollectBalance(), second.getCollectBalance()]);
      expect(balances.every((balance) => balance.success)).toBe(true);
      expect((simulator.stats.calls.getToken ?? 0) - before).toBe(1);
      const stored = JSON.parse((await stores[0]!.getProviderState(HPAY_TOKEN_STATE_KEY)) ?? '{}');
      expect(stored.token).not.toBe('refused-by-hpay');
    });
  });
}
