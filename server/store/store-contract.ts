import { describe, expect, it } from 'vitest';
import type { SessionRecord, Store } from './store.js';

/**
 * The behaviour every Store implementation must have. Each implementation's test file calls this
 * with a factory, so SQLite and (later) PostgreSQL pass the very same suite.
 */
export function describeStoreContract(name: string, openStore: () => Promise<Store>): void {
  describe(`${name} store`, () => {
    let counter = 0;
    const session = (overrides: Partial<SessionRecord> = {}): SessionRecord => ({
      id: `ses_${++counter}_${Math.random().toString(36).slice(2)}`,
      orderId: `order_${counter}`,
      amount: 4800,
      currency: 'USD',
      returnUrl: 'https://shop.example/return',
      locale: 'en',
      captureMethod: 'automatic',
      createdAt: new Date().toISOString(),
      expiresAt: new Date(Date.now() + 900_000).toISOString(),
      ...overrides,
    });
    const newPayment = (s: SessionRecord, id: string, idempotencyKey?: string) => ({
      id,
      sessionId: s.id,
      orderId: s.orderId,
      provider: 'milkypay' as const,
      methodId: 'milkypay:payment_card_usd_hpp',
      amount: s.amount,
      currency: s.currency,
      idempotencyKey,
    });

    it('keeps a session with its optional parts', async () => {
      const store = await openStore();
      const s = session({ customer: { name: 'Ada', email: 'ada@example.com' }, description: 'Pour-over set', provider: 'milkypay' });
      await store.createSession(s);
      expect(await store.getSession(s.id)).toEqual(s);
      expect(await store.getSession('ses_missing')).toBeUndefined();
    });

    it('keeps the capture method of a session', async () => {
      const store = await openStore();
      const s = session({ captureMethod: 'manual' });
      await store.createSession(s);
      expect((await store.getSession(s.id))?.captureMethod).toBe('manual');
    });

    it('creates a payment once per idempotency key and records its creation', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const first = await store.createPayment(newPayment(s, `pay_${counter}_a`, 'key-1'));
      const second = await store.createPayment(newPayment(s, `pay_${counter}_b`, 'key-1'));
      expect(first.created).toBe(true);
      expect(second).toEqual({ payment: first.payment, created: false });
      expect(first.payment).toMatchObject({ status: 'created', amount: 4800, refundedAmount: 0 });
      expect(await store.listPaymentsBySession(s.id)).toHaveLength(1);
      expect((await store.listEvents(first.payment.id)).map((e) => [e.type, e.toStatus])).toEqual([['created', 'created']]);
    });

    it('lets only one payment of a session be in creation at a time', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_first`, 'a'));
      await expect(store.createPayment(newPayment(s, `pay_${counter}_second`, 'b'))).rejects.toThrow(/being created/);
      await store.transitionPayment(payment.id, 'created', 'requires_action', {}, { type: 'action_required', source: 'pay' });
      expect((await store.createPayment(newPayment(s, `pay_${counter}_third`, 'c'))).created).toBe(true);
    });

    it('reconciles the longest-unasked payments first, so none waits forever', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const ids: string[] = [];
      for (const key of ['x', 'y', 'z']) {
        const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_${key}`, key));
        await store.transitionPayment(payment.id, 'created', 'pending', {}, { type: 'status_changed', source: 'pay' });
        ids.push(payment.id);
      }
      const later = () => new Date(Date.now() + 60_000).toISOString();
      const seen: string[] = [];
      for (let pass = 0; pass < 3; pass++) {
        const batch = (await store.listUnsettledPayments(later(), 2)).filter((p) => ids.includes(p.id));
        for (const p of batch) {
          seen.push(p.id);
          await store.markChecked(p.id, new Date(Date.now() + pass * 1000 + seen.length).toISOString());
        }
      }
      expect(new Set(seen)).toEqual(new Set(ids));
    });

    it('transitions by compare-and-set: exactly one of two racing writers wins', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_race`));
      const results = await Promise.all([
        store.transitionPayment(payment.id, 'created', 'succeeded', { providerRef: 'cpi_1' }, { type: 'status_changed', source: 'callback' }),
        store.transitionPayment(payment.id, 'created', 'failed', {}, { type: 'status_changed', source: 'poll' }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const events = await store.listEvents(payment.id);
      expect(events.filter((e) => e.type === 'status_changed')).toHaveLength(1);
      const stored = await store.getPayment(payment.id);
      expect(stored?.status).toBe(results[0] ? 'succeeded' : 'failed');
    });

    it('applies a patch and its event together, and keeps JSON fields', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_patch`));
      const action = { type: 'redirect' as const, url: 'https://milkypay.example/hpp/1' };
      const moved = await store.transitionPayment(payment.id, 'created', 'requires_action', { providerRef: 'cpi_x', action }, {
        type: 'action_required',
        source: 'pay',
        detail: { providerStatus: 'process_pending/ok' },
      });
      expect(moved).toMatchObject({ status: 'requires_action', providerRef: 'cpi_x', action });
      const events = await store.listEvents(payment.id);
      expect(events.at(-1)).toMatchObject({ type: 'action_required', fromStatus: 'created', toStatus: 'requires_action', detail: { providerStatus: 'process_pending/ok' } });
      const updated = await store.updatePayment(payment.id, { refundedAmount: 100, card: { mask: '411111******1111', brand: 'visa' } });
      expect(updated).toMatchObject({ refundedAmount: 100, card: { mask: '411111******1111', brand: 'visa' }, providerRef: 'cpi_x' });
    });

    it('finds payments by order and lists the unsettled ones for reconciliation', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment: open } = await store.createPayment(newPayment(s, `pay_${counter}_open`, 'k1'));
      await store.transitionPayment(open.id, 'created', 'pending', {}, { type: 'status_changed', source: 'pay' });
      const { payment: done } = await store.createPayment(newPayment(s, `pay_${counter}_done`, 'k2'));
      await store.transitionPayment(done.id, 'created', 'succeeded', {}, { type: 'status_changed', source: 'callback' });
      expect((await store.listPaymentsByOrder(s.orderId)).map((p) => p.id)).toEqual([open.id, done.id]);
      const unsettled = await store.listUnsettledPayments(new Date(Date.now() + 1000).toISOString(), 100);
      expect(unsettled.map((p) => p.id)).toContain(open.id);
      expect(unsettled.map((p) => p.id)).not.toContain(done.id);
    });

    it('keeps provider state under a key, replacing it on save', async () => {
      const store = await openStore();
      const key = `test:state:${++counter}`;
      expect(await store.getProviderState(key)).toBeUndefined();
      await store.saveProviderState(key, '{"token":"a"}');
      expect(await store.getProviderState(key)).toBe('{"token":"a"}');
      await store.saveProviderState(key, '{"token":"b"}');
      expect(await store.getProviderState(key)).toBe('{"token":"b"}');
      expect(await store.getProviderState(`${key}:other`)).toBeUndefined();
    });

    it('runs callers of one lock one after another, and of different locks side by side', async () => {
      const store = await openStore();
      const name = `test-lock-${++counter}`;
      const trace: string[] = [];
      const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
      const holder = (id: string, lock: string) =>
        store.withLock(lock, async () => {
          trace.push(`${id}+`);
          await tick();
          trace.push(`${id}-`);
          return id;
        });
      const results = await Promise.all([holder('a', name), holder('b', name), holder('c', name)]);
      expect(results).toEqual(['a', 'b', 'c']);
      expect(trace).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);

      trace.length = 0;
      await Promise.all([holder('x', `${name}-x`), holder('y', `${name}-y`)]);
      expect(trace.slice(0, 2).sort()).toEqual(['x+', 'y+']);
    });

    it('releases a lock when its holder fails', async () => {
      const store = await openStore();
      const name = `test-lock-fail-${++counter}`;
      await expect(store.withLock(name, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await store.withLock(name, () => Promise.resolve('after'))).toBe('after');
    });
  });
}
