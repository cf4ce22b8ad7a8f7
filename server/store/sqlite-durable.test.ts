import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const synced = vi.hoisted(() => [] as string[]);
vi.mock('./sync-file.js', async (original) => {
  const real = await original<typeof import('./sync-file.js')>();
  return {
    syncFile: async (path: string) => {
      synced.push(path);
      await real.syncFile(path);
    },
  };
});

const { SqliteStore } = await import('./sqlite-store.js');

describe('SqliteStore.durable', () => {
  beforeEach(() => {
    synced.length = 0;
  });

  it('flushes the WAL, where a NORMAL commit leaves its writes, and the directory holding it once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-durable-')), 'checkout.db');
    const store = SqliteStore.open(path);
    const now = new Date().toISOString();
    await store.createSession({ id: 's', orderId: 'o', amount: 100, currency: 'USD', returnUrl: 'https://shop.example', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
    await store.createPayment({ id: 'p1', sessionId: 's', orderId: 'o', provider: 'milkypay', methodId: 'milkypay:x', amount: 100, currency: 'USD', idempotencyKey: 'k1' });
    await store.durable();
    expect(synced).toEqual([`${path}-wal`, dirname(path)]);

    await store.createPayment({ id: 'p2', sessionId: 's', orderId: 'o', provider: 'milkypay', methodId: 'milkypay:x', amount: 100, currency: 'USD', idempotencyKey: 'k2', status: 'failed' });
    await store.durable();
    expect(synced).toEqual([`${path}-wal`, dirname(path), `${path}-wal`]);
    await store.close();
  });

  it('has nothing to flush in memory', async () => {
    const store = SqliteStore.open(':memory:');
    await store.durable();
    expect(synced).toEqual([]);
  });
});
