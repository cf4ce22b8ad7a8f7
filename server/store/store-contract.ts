import { describe, expect, it, vi } from 'vitest';
import type { SessionRecord, Store } from './store.js';

/**
 * The behaviour every Store implementation must have. Each implementation's test file calls this
 * with a factory, so SQLite and PostgreSQL pass the very same suite.
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

    it('keeps the installment plan of a payment', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const plan = { count: 3, totalAmount: 4968 };
      const { payment } = await store.createPayment({ ...newPayment(s, `pay_${counter}_plan`, 'key-plan'), installments: plan });
      expect(payment.installments).toEqual(plan);
      expect((await store.getPayment(payment.id))?.installments).toEqual(plan);
      const other = session();
      await store.createSession(other);
      const single = await store.createPayment(newPayment(other, `pay_${counter}_single`, 'key-single'));
      expect(single.payment.installments).toBeUndefined();
    });

    it('creates one payment when the same key arrives many times at once', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) => store.createPayment(newPayment(s, `pay_${counter}_twin${i}`, 'same-key'))),
      );
      const created = results.filter((r) => r.status === 'fulfilled' && r.value.created);
      expect(created).toHaveLength(1);
      expect(results.every((r) => r.status === 'fulfilled')).toBe(true);
      expect(await store.listPaymentsBySession(s.id)).toHaveLength(1);
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
      // Each pass claims the two longest-unasked; a claim counts as a check, so the third comes next.
      const seen: string[] = [];
      for (let pass = 0; pass < 2; pass++) {
        const claimedAt = new Date(Date.now() + 60_000 + pass * 1000).toISOString();
        const batch = (await store.claimUnsettledPayments(claimedAt, 2, claimedAt)).filter((p) => ids.includes(p.id));
        seen.push(...batch.map((p) => p.id));
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

    it('compares the refunded amount too when asked: one of two writers recording the same refund wins', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_refund_cas`));
      await store.transitionPayment(payment.id, 'created', 'partially_refunded', { refundedAmount: 500 }, { type: 'status_changed', source: 'merchant' });
      const expected = { status: 'partially_refunded' as const, refundedAmount: 500 };
      const results = await Promise.all([
        store.transitionPayment(payment.id, expected, 'partially_refunded', { refundedAmount: 1000 }, { type: 'status_changed', source: 'poll' }),
        store.transitionPayment(payment.id, expected, 'partially_refunded', { refundedAmount: 1000 }, { type: 'status_changed', source: 'callback' }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.getPayment(payment.id))?.refundedAmount).toBe(1000);
      expect((await store.listEvents(payment.id)).filter((event) => event.fromStatus === 'partially_refunded')).toHaveLength(1);
      // The status alone still matches; the amount does not.
      expect(await store.transitionPayment(payment.id, expected, 'refunded', { refundedAmount: 2000 }, { type: 'status_changed', source: 'poll' })).toBeUndefined();
    });

    it('compares the time of the last change too when asked: a move judged on one stay in a status does not apply to a later one', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_updated_cas`));
      const first = (await store.transitionPayment(payment.id, 'created', 'refund_pending', {}, { type: 'status_changed', source: 'merchant' }))!;
      const judged = { status: first.status, refundedAmount: first.refundedAmount, updatedAt: first.updatedAt };
      await new Promise((resolve) => setTimeout(resolve, 5));
      await store.transitionPayment(payment.id, 'refund_pending', 'refund_pending', {}, { type: 'status_changed', source: 'merchant' });
      expect(await store.transitionPayment(payment.id, judged, 'succeeded', {}, { type: 'status_changed', source: 'reconcile' })).toBeUndefined();
      const now = (await store.getPayment(payment.id))!;
      expect(await store.transitionPayment(payment.id, { status: now.status, refundedAmount: now.refundedAmount, updatedAt: now.updatedAt }, 'succeeded', {}, { type: 'status_changed', source: 'reconcile' })).toMatchObject({ status: 'succeeded' });
    });

    it('moves the last change past the one it compared, on a clock that reads the same millisecond: a writer that read the payment before fails the compare', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_same_ms`));
      // Two instances' clocks may read alike: frozen here, the second compare-and-set sees the one millisecond both had.
      vi.useFakeTimers({ toFake: ['Date'] });
      try {
        const authorized = (await store.transitionPayment(payment.id, 'created', 'authorized', {}, { type: 'status_changed', source: 'pay' }))!;
        const read = { status: authorized.status, refundedAmount: authorized.refundedAmount, updatedAt: authorized.updatedAt };
        const first = (await store.transitionPayment(payment.id, read, 'authorized', {}, { type: 'capture_requested', source: 'merchant' }))!;
        expect(first.updatedAt > authorized.updatedAt).toBe(true);
        expect(await store.transitionPayment(payment.id, read, 'authorized', {}, { type: 'capture_requested', source: 'merchant' })).toBeUndefined();
        expect((await store.listEvents(payment.id)).filter((event) => event.type === 'capture_requested')).toHaveLength(1);
      } finally {
        vi.useRealTimers();
      }
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
      const now = new Date(Date.now() + 1000).toISOString();
      const unsettled = await store.claimUnsettledPayments(now, 100, now);
      expect(unsettled.map((p) => p.id)).toContain(open.id);
      expect(unsettled.map((p) => p.id)).not.toContain(done.id);
      expect((await store.claimUnsettledPayments(now, 100, now)).map((p) => p.id)).not.toContain(open.id);
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

      // Holders of two different locks must be inside together: each waits for the other to arrive.
      let arrived = 0;
      let bothInside!: () => void;
      const together = new Promise<void>((resolve) => {
        bothInside = resolve;
      });
      const meet = (id: string, lock: string) =>
        store.withLock(lock, async () => {
          if (++arrived === 2) bothInside();
          await together;
          return id;
        });
      const serialized = new Promise((resolve) => setTimeout(() => resolve('serialized'), 3_000));
      expect(await Promise.race([Promise.all([meet('x', `${name}-x`), meet('y', `${name}-y`)]), serialized])).toEqual(['x', 'y']);
      bothInside();
    });

    it('releases a lock when its holder fails', async () => {
      const store = await openStore();
      const name = `test-lock-fail-${++counter}`;
      await expect(store.withLock(name, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      expect(await store.withLock(name, () => Promise.resolve('after'))).toBe('after');
    });
  
    it('writes an outbox message with a transition, and none when the compare-and-set loses', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_outbox`));
      const message = (id: string) => ({ id, paymentId: payment.id, type: 'payment.succeeded', body: JSON.stringify({ id }) });
      const results = await Promise.all([
        store.transitionPayment(payment.id, 'created', 'succeeded', {}, { type: 'status_changed', source: 'callback' }, message(`evt_${counter}_a`)),
        store.transitionPayment(payment.id, 'created', 'failed', {}, { type: 'status_changed', source: 'poll' }, message(`evt_${counter}_b`)),
      ]);
      // Which one wins is the database's choice (PostgreSQL under load may run the second first): exactly one does.
      const winners = results.flatMap((result, index) => (result ? [{ result, index }] : []));
      expect(winners).toHaveLength(1);
      const [{ result: won, index }] = winners as [{ result: NonNullable<(typeof results)[number]>; index: number }];
      const [expectedStatus, eventId] = index === 0 ? ['succeeded', `evt_${counter}_a`] : ['failed', `evt_${counter}_b`];
      expect(won.status).toBe(expectedStatus);
      const messages = await store.listOutboxByPayment(payment.id);
      expect(messages.map((m) => [m.id, m.type, m.body, m.attempts])).toEqual([[eventId, 'payment.succeeded', JSON.stringify({ id: eventId }), 0]]);
    });

    it('leases claimed outbox messages, retries failed ones when due and never resends a delivered one', async () => {
      const store = await openStore();
      const s = session();
      await store.createSession(s);
      const { payment } = await store.createPayment(newPayment(s, `pay_${counter}_lease`));
      const id = `evt_${counter}_lease`;
      await store.transitionPayment(payment.id, 'created', 'failed', {}, { type: 'status_changed', source: 'pay' }, { id, paymentId: payment.id, type: 'payment.failed', body: '{}' });
      const mine = (list: { id: string }[]) => list.filter((m) => m.id === id);
      const t0 = Date.now() + 1000;
      const at = (ms: number) => new Date(t0 + ms).toISOString();
      const first = mine(await store.claimOutbox(at(0), 1000, 30_000));
      expect(first).toMatchObject([{ id, attempts: 1, nextAttemptAt: at(30_000) }]);
      // Leased: a second dispatcher does not get it until the lease ends.
      expect(mine(await store.claimOutbox(at(1000), 1000, 30_000))).toEqual([]);
      expect(mine(await store.claimOutbox(at(30_000), 1000, 30_000))).toMatchObject([{ id, attempts: 2 }]);
      await store.markOutboxFailed(id, 'HTTP 503', at(40_000));
      expect(mine(await store.claimOutbox(at(39_999), 1000, 30_000))).toEqual([]);
      expect(mine(await store.claimOutbox(at(40_000), 1000, 30_000))).toMatchObject([{ id, attempts: 3 }]);
      await store.markOutboxDelivered(id, at(40_001));
      expect(mine(await store.claimOutbox(at(10_000_000), 1000, 30_000))).toEqual([]);
      expect(await store.getOutboxMessage(id)).toMatchObject({ deliveredAt: at(40_001), attempts: 3 });
    });

    it('keeps one result per idempotency key and scope, and replays it', async () => {
      const store = await openStore();
      const key = `idem_${counter}_${Math.random()}`;
      const now = new Date().toISOString();
      expect(await store.beginIdempotentRequest('merchant', key, 'hash-a', now)).toBeUndefined();
      expect(await store.beginIdempotentRequest('merchant', key, 'hash-b', now)).toEqual({ state: 'started', requestHash: 'hash-a' });
      expect(await store.beginIdempotentRequest('other-scope', key, 'hash-b', now)).toBeUndefined();
      await store.completeIdempotentRequest('merchant', key, 201, '{"ok":true}', now);
      expect(await store.beginIdempotentRequest('merchant', key, 'hash-a', now)).toEqual({ state: 'completed', requestHash: 'hash-a', statusCode: 201, responseBody: '{"ok":true}' });
      // A completed answer is never overwritten.
      await store.completeIdempotentRequest('merchant', key, 500, '{}', now);
      expect(await store.beginIdempotentRequest('merchant', key, 'hash-a', now)).toMatchObject({ state: 'completed', statusCode: 201 });
      // Nor freed; a started key is, and the next call under it starts afresh.
      await store.abandonIdempotentRequest('merchant', key, now);
      expect(await store.beginIdempotentRequest('merchant', key, 'hash-a', now)).toMatchObject({ state: 'completed', statusCode: 201 });
      await store.abandonIdempotentRequest('other-scope', key, now);
      // A free retried after an outage leaves a start made since alone.
      const later = new Date(Date.parse(now) + 1000).toISOString();
      expect(await store.beginIdempotentRequest('other-scope', key, 'hash-c', later)).toBeUndefined();
      await store.abandonIdempotentRequest('other-scope', key, now);
      expect(await store.beginIdempotentRequest('other-scope', key, 'hash-d', later)).toEqual({ state: 'started', requestHash: 'hash-c' });
    });
  });
}
