import { mkdtempSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Every file opened and every file flushed through node:fs/promises, in order. */
const calls = vi.hoisted(() => [] as string[]);
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (path: string, flags?: string) => {
      calls.push(`open ${path}`);
      const handle = await real.open(path, flags);
      const datasync = handle.datasync.bind(handle);
      handle.datasync = async () => {
        calls.push(`datasync ${path}`);
        await datasync();
      };
      return handle as FileHandle;
    },
  };
});

const { SqliteStore } = await import('./sqlite-store.js');
const { openTestSession } = await import('../testing/open-session.js');

async function storeWithSession(path: string) {
  const store = SqliteStore.open(path);
  await openTestSession(store);
  return store;
}

const payment = (id: string) => ({ id, sessionId: 's', orderId: 'o', provider: 'milkypay' as const, methodId: 'milkypay:x', amount: 4800, currency: 'USD', idempotencyKey: id, status: 'failed' as const });

describe('SqliteStore.durable', () => {
  beforeEach(() => {
    calls.length = 0;
  });

  it('flushes the WAL, where a NORMAL commit leaves its writes, and the directory holding it once', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-durable-')), 'checkout.db');
    const store = await storeWithSession(path);
    await store.createPayment(payment('p1'));
    await store.durable();
    expect(calls).toEqual([`open ${path}-wal`, `datasync ${path}-wal`, `open ${dirname(path)}`, `datasync ${dirname(path)}`]);

    // The WAL stays open: later flushes are one fdatasync each.
    calls.length = 0;
    await store.createPayment(payment('p2'));
    await store.durable();
    await store.createPayment(payment('p3'));
    await store.durable();
    expect(calls).toEqual([`datasync ${path}-wal`, `datasync ${path}-wal`]);
    await store.close();
  });

  it('has nothing to flush in memory', async () => {
    const store = await storeWithSession(':memory:');
    await store.durable();
    expect(calls).toEqual([]);
  });
});
