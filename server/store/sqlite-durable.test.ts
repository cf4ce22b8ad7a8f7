import { mkdtempSync } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

/** Every file opened and every file flushed through node:fs/promises, in order. */
const calls = vi.hoisted(() => [] as string[]);
/** Makes the next fdatasync of a file fail as a disk would (EIO). */
const faults = vi.hoisted(() => ({ failNextDatasync: false }));
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
        if (faults.failNextDatasync) {
          faults.failNextDatasync = false;
          throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
        }
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

/** A store in a new file, holding a session and one payment. */
async function fileStoreWithPayment() {
  const path = join(mkdtempSync(join(tmpdir(), 'pay-checkout-durable-')), 'checkout.db');
  const store = await storeWithSession(path);
  await store.createPayment(payment('p1'));
  return { path, store };
}

const payment = (id: string) => ({ id, sessionId: 's', orderId: 'o', provider: 'milkypay' as const, methodId: 'milkypay:x', amount: 4800, currency: 'USD', idempotencyKey: id, status: 'failed' as const });

describe('SqliteStore.durable', () => {
  beforeEach(() => {
    calls.length = 0;
    faults.failNextDatasync = false;
  });

  it('flushes the WAL, where a NORMAL commit leaves its writes, and the directory holding it once', async () => {
    const { path, store } = await fileStoreWithPayment();
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

  it('stays failed after a failed flush, even if a later fdatasync would succeed, and says so to readiness', async () => {
    const { store } = await fileStoreWithPayment();
    await store.durable();
    await expect(store.ping()).resolves.toBeUndefined();
    faults.failNextDatasync = true;
    await store.createPayment(payment('p2'));
    // An outage of the store, as an unavailable database is: 503 storage_unavailable, never a 500.
    await expect(store.durable()).rejects.toMatchObject({ code: 'storage_unavailable', cause: { code: 'EIO' } });
    // Linux may have marked the lost pages clean: a second fdatasync proves nothing.
    calls.length = 0;
    await store.createPayment(payment('p3'));
    await expect(store.durable()).rejects.toMatchObject({ code: 'storage_unavailable', cause: { code: 'EIO' } });
    expect(calls).toEqual([]);
    await expect(store.ping()).rejects.toThrow(/could not be flushed to disk/);
    await store.close();
  });

  it('answers storage_unavailable for provider state it could not flush, as for a payment', async () => {
    // A rotated credential, or the refund ledger an adapter writes around a refund it sends.
    const { store } = await fileStoreWithPayment();
    faults.failNextDatasync = true;
    await expect(store.saveProviderState('hankopay:refunds:p1', '{}')).rejects.toMatchObject({ code: 'storage_unavailable', cause: { code: 'EIO' } });
    await store.close();
  });

  it('touches no file once closed', async () => {
    const { store } = await fileStoreWithPayment();
    await store.close();
    calls.length = 0;
    await expect(store.durable()).resolves.toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('has nothing to flush in memory', async () => {
    const store = await storeWithSession(':memory:');
    await store.durable();
    expect(calls).toEqual([]);
  });
});
