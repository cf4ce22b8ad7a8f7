/**
 * The adapter against a HankoPay that answers only in the document's example shapes (and, where
 * the document gives none, in the other shapes it allows): a refund is its own transaction with
 * `refundTransactionId` and `"status": "pending"` while the original keeps saying `success`; the
 * details endpoint ("the current stored record", no shape given) answers in any shape or not at
 * all. Payments go through the real PaymentService and store where the outcome is theirs to judge.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../logger.js';
import { PaymentService } from '../../payments/payment-service.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { appRejection, providerRejection } from '../../testing/rejections.js';
import type { CreatePaymentRequest } from '../provider.js';
import { ProviderRegistry } from '../registry.js';
import { createHankoPayProvider, type HankoPayProviderOptions } from './adapter.js';
import { memoryHankoPayRefunds, storeHankoPayRefunds, type HankoPayRefundStore } from './refund-store.js';

const ORIGINAL = '662d7a1f4d8c91f0b1d2e345';
const PAYMENT_ID = 'pay_h';

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** A HankoPay whose answers a test may change between calls. */
function documentedHankoPay() {
  const hp = {
    calls: [] as string[],
    createStatus: 'pending',
    /** The original's status answer: the document's example says `success`. */
    originalStatus: (): Response =>
      json({ success: true, transactionId: ORIGINAL, orderId: PAYMENT_ID, status: 'success', statusReason: 'Approved', statusId: 'hkp_status_8fd42a1', updatedAt: '2026-04-27T12:34:10.000Z' }),
    /** The details answer: undocumented; by default the list's record wrapped in `data`. */
    details: (): Response => json({ success: true, data: { _id: ORIGINAL, orderId: PAYMENT_ID, status: 'success', fromAmount: 50, currency: 'USD' } }),
    /** The list's records (the document's shape). */
    listed: [{ _id: ORIGINAL, orderId: PAYMENT_ID, status: 'success', fromAmount: 50, currency: 'USD', createdAt: '2026-04-27T12:30:00.000Z' }] as Record<string, unknown>[],
    /** Each refund's own status word, by refundTransactionId. */
    refundStatus: new Map<string, string>(),
    refundsSent: 0,
  };
  const fetchStub = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    hp.calls.push(`${method} ${url.pathname}${url.search}`);
    const path = url.pathname.replace(/^\/api\/v1/, '');
    let match: RegExpExecArray | null;
    if (method === 'POST' && path === '/transactions') {
      return json({ success: true, transactionId: ORIGINAL, orderId: PAYMENT_ID, status: hp.createStatus, statusId: 'hkp_status_8fd42a1', paymentLink: null, createdAt: '2026-04-27T12:30:00.000Z' }, 201);
    }
    if (method === 'GET' && path === '/transactions') {
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const page = Number(url.searchParams.get('page') ?? 1);
      const pages = Math.max(1, Math.ceil(hp.listed.length / limit));
      return json({ success: true, data: hp.listed.slice((page - 1) * limit, page * limit), pagination: { page, limit, total: hp.listed.length, pages } });
    }
    if ((match = /^\/transactions\/([^/]+)\/status$/.exec(path))) {
      const id = match[1]!;
      if (id === ORIGINAL) return hp.originalStatus();
      const status = hp.refundStatus.get(id);
      if (!status) return json({ success: false, message: 'Transaction not found' }, 404);
      return json({ success: true, transactionId: id, orderId: PAYMENT_ID, status, statusId: 'refund-reference-id', updatedAt: '2026-04-27T12:40:00.000Z' });
    }
    if (method === 'POST' && (match = /^\/transactions\/([^/]+)\/refund$/.exec(path))) {
      hp.refundsSent += 1;
      const id = `662d80574d8c91f0b1d2e99${hp.refundsSent}`;
      hp.refundStatus.set(id, 'pending');
      return json({ success: true, refundTransactionId: id, referenceTransactionId: match[1], status: 'pending', statusId: 'refund-reference-id' });
    }
    if ((match = /^\/transactions\/([^/]+)$/.exec(path))) return hp.details();
    return json({ success: false, message: 'No such endpoint' }, 404);
  }) as typeof fetch;
  return { hp, fetchStub };
}

const stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

async function serviceWith(options: Partial<HankoPayProviderOptions> & { fetch: typeof fetch }, status: 'succeeded' | 'pending' = 'succeeded') {
  const store = SqliteStore.open(':memory:');
  stores.push(store);
  const logs: string[] = [];
  const logger = { warn: (_details: object, message: string) => void logs.push(message) };
  const build = () => createHankoPayProvider({ baseUrl: 'https://hp.invalid', apiKey: 'k', refundStore: storeHankoPayRefunds(store), logger, ...options });
  const provider = build();
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9' });
  const now = new Date().toISOString();
  await store.createSession({ id: 'ses_h', orderId: 'o_h', amount: 5000, currency: 'USD', returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id: PAYMENT_ID, sessionId: 'ses_h', orderId: 'o_h', provider: 'hankopay', methodId: 'hankopay:card', amount: 5000, currency: 'USD', status, providerRef: ORIGINAL });
  return { store, payments, payment, provider, build, logs };
}

const lookup = { paymentId: PAYMENT_ID, providerRef: ORIGINAL };

describe('refunds, answered as the document shows (pending; the original stays success)', () => {
  it('a pending refund stays refund_pending on every lookup, across a restart, and a second refund is refused', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const { payments, payment, provider, build } = await serviceWith({ fetch: fetchStub });

    const first = await payments.refund(payment, 2000, 'customer asked');
    expect(first).toMatchObject({ status: 'refund_pending', refundedAmount: 0 });
    // The reconciler re-reads refund_pending payments: the original still says success.
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'refund_pending', providerStatus: 'success (Approved); refund pending 662d80574d8c91f0b1d2e991' });
    expect((await payments.refresh(first, 'reconciler')).status).toBe('refund_pending');
    // A new process reads the refund from the store.
    expect(await build().getPayment(lookup)).toMatchObject({ status: 'refund_pending' });

    const again = await appRejection(payments.refund(first, undefined, 'customer asked again'));
    expect(again.code).toBe('conflict');
    expect(hp.refundsSent).toBe(1);
  });

  it('settles from the refund\'s own status: success adds it to the refunded total, then the rest can be refunded', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const { payments, payment } = await serviceWith({ fetch: fetchStub });
    const first = await payments.refund(payment, 2000, 'customer asked');
    hp.refundStatus.set('662d80574d8c91f0b1d2e991', 'success');

    const settled = await payments.refresh(first, 'reconciler');
    expect(settled).toMatchObject({ status: 'partially_refunded', refundedAmount: 2000 });
    expect(hp.calls).toContain('GET /api/v1/transactions/662d80574d8c91f0b1d2e991/status');
    // Read again later, the original still saying success: still partially refunded, never succeeded.
    expect((await payments.refresh(settled, 'reconciler')).status).toBe('partially_refunded');

    const rest = await payments.refund(settled, undefined, 'the rest');
    expect(rest).toMatchObject({ status: 'refund_pending', refundedAmount: 2000 });
    hp.refundStatus.set('662d80574d8c91f0b1d2e992', 'success');
    expect(await payments.refresh(rest, 'reconciler')).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
    expect(hp.refundsSent).toBe(2);
  });

  it('a refund that fails goes back to what the original says and is forgotten; a new refund may then be asked', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const { payments, payment, provider } = await serviceWith({ fetch: fetchStub });
    const first = await payments.refund(payment, 2000, 'customer asked');
    hp.refundStatus.set('662d80574d8c91f0b1d2e991', 'failed');

    const back = await payments.refresh(first, 'reconciler');
    expect(back).toMatchObject({ status: 'succeeded', refundedAmount: 0 });
    const calls = hp.calls.length;
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'succeeded' });
    // Forgotten: the failed refund's status is not asked again.
    expect(hp.calls.slice(calls).filter((call) => call.includes('e991'))).toEqual([]);
    expect(await payments.refund(back, 1000, 'again')).toMatchObject({ status: 'refund_pending' });
  });

  it('a refund failing at once is refused to the merchant', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const refusing = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
      const response = await fetchStub(input, init);
      // The refund's status lookup says failed as soon as it is asked.
      for (const id of hp.refundStatus.keys()) hp.refundStatus.set(id, 'failed');
      return response;
    }) as typeof fetch;
    const { payments, payment } = await serviceWith({ fetch: refusing });
    const error = await appRejection(payments.refund(payment, 2000, 'customer asked'));
    expect(error.code).toBe('provider_rejected');
    expect(error.message).toMatch(/HankoPay did not refund 20\.00 USD/);
  });

  it('also reads the other way: the original\'s record showing the refund settles it while the refund\'s status stays pending', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const { payments, payment } = await serviceWith({ fetch: fetchStub });
    const first = await payments.refund(payment, 2000, 'customer asked');
    hp.details = () => json({ success: true, data: { _id: ORIGINAL, orderId: PAYMENT_ID, status: 'success', fromAmount: 50, currency: 'USD', refundedAmount: 20 } });
    const partly = await payments.refresh(first, 'reconciler');
    expect(partly).toMatchObject({ status: 'partially_refunded', refundedAmount: 2000 });

    const rest = await payments.refund(partly, undefined, 'the rest');
    expect(rest.status).toBe('refund_pending');
    hp.originalStatus = () => json({ success: true, transactionId: ORIGINAL, orderId: PAYMENT_ID, status: 'refunded' });
    expect(await payments.refresh(rest, 'reconciler')).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
  });
});

/** A fetch that delivers the first refund to HankoPay and then loses its answer, as a timeout would. */
function losingFirstRefundAnswer(fetchStub: typeof fetch): typeof fetch {
  let lost = false;
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const response = await fetchStub(input, init);
    if (!lost && init.method === 'POST' && String(input).endsWith('/refund')) {
      lost = true;
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }
    return response;
  }) as typeof fetch;
}

/** A fetch whose first refund never reaches HankoPay: `instead` answers it, or throws as a failed connection would. */
function firstRefundGets(fetchStub: typeof fetch, instead: () => Response): typeof fetch {
  let used = false;
  return (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    if (!used && init.method === 'POST' && String(input).endsWith('/refund')) {
      used = true;
      return instead();
    }
    return fetchStub(input, init);
  }) as typeof fetch;
}

const FIRST_REFUND = '662d80574d8c91f0b1d2e991';
const UNKNOWN_OUTCOME = /^HankoPay refund outcome unknown .*an operator may need to check it at HankoPay$/;

describe('a refund whose answer is lost, refused, or not recorded', () => {
  it('a lost answer leaves the payment refund_pending and a retry is refused, so the refund is sent once', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const { payments, payment, store, provider, logs } = await serviceWith({ fetch: losingFirstRefundAnswer(fetchStub) });
    expect((await providerRejection(payments.refund(payment, 2000, 'customer asked'))).code).toBe('outcome_unknown');
    const waiting = (await store.getPayment(PAYMENT_ID))!;
    expect(waiting.status).toBe('refund_pending');
    // The original still says success and the list holds no refund of this amount: it stays pending.
    hp.listed.push({ _id: '662d80574d8c91f0b1d2e000', referenceTransactionId: ORIGINAL, status: 'success', fromAmount: 10, currency: 'USD' });
    expect((await payments.refresh(waiting, 'reconciler')).status).toBe('refund_pending');

    const again = await appRejection(payments.refund(waiting, 2000, 'customer asked again'));
    expect(again.code).toBe('conflict');
    // The adapter refuses too, whatever status the payment's own record shows.
    expect((await appRejection(provider.refund!(lookup, 2000, 'USD', 'asked directly'))).code).toBe('conflict');
    expect(hp.refundsSent).toBe(1);
    expect(logs.filter((message) => UNKNOWN_OUTCOME.test(message))).toHaveLength(1);
  });

  it.each([
    ['fromAmount and status success', { fromAmount: 20, status: 'success' }, undefined],
    ['amount and no status (its own status says success)', { amount: '20.00' }, 'success'],
  ])('a lost answer settles once the list shows the refund (%s); then the rest may be refunded', async (_name, shape, ownStatus) => {
    const { hp, fetchStub } = documentedHankoPay();
    const { payments, payment, store } = await serviceWith({ fetch: losingFirstRefundAnswer(fetchStub) });
    await providerRejection(payments.refund(payment, 2000, 'customer asked'));
    hp.listed.unshift({ _id: FIRST_REFUND, referenceTransactionId: ORIGINAL, currency: 'USD', createdAt: '2026-04-27T12:40:00.000Z', ...shape });
    if (ownStatus) hp.refundStatus.set(FIRST_REFUND, ownStatus);

    const settled = await payments.refresh((await store.getPayment(PAYMENT_ID))!, 'reconciler');
    expect(settled).toMatchObject({ status: 'partially_refunded', refundedAmount: 2000 });
    const rest = await payments.refund(settled, undefined, 'the rest');
    expect(rest).toMatchObject({ status: 'refund_pending', refundedAmount: 2000 });
    hp.refundStatus.set('662d80574d8c91f0b1d2e992', 'success');
    expect(await payments.refresh(rest, 'reconciler')).toMatchObject({ status: 'refunded', refundedAmount: 5000 });
    expect(hp.refundsSent).toBe(2);
  });

  it('a refund that could not reach HankoPay (connection refused) was never sent: kept as failed, a new refund may be asked', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const refusingConnection = firstRefundGets(fetchStub, () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:443'), { code: 'ECONNREFUSED' }) });
    });
    const { payments, payment, store } = await serviceWith({ fetch: refusingConnection });
    expect((await appRejection(payments.refund(payment, 2000, 'customer asked'))).code).toBe('provider_unavailable');
    expect(await storeHankoPayRefunds(store).load(PAYMENT_ID)).toMatchObject({ refunds: [{ amount: 2000, status: 'failed' }] });
    const back = (await store.getPayment(PAYMENT_ID))!;
    expect(back.status).toBe('succeeded');
    expect(await payments.refund(back, 2000, 'again')).toMatchObject({ status: 'refund_pending' });
    expect(hp.refundsSent).toBe(1);
  });

  it('a refund HankoPay refuses is kept as failed and blocks nothing: a new refund may be asked', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const refusingFirst = firstRefundGets(fetchStub, () => json({ success: false, message: 'Refund amount exceeds the refundable balance' }, 422));
    const { payments, payment, store } = await serviceWith({ fetch: refusingFirst });
    expect((await appRejection(payments.refund(payment, 2000, 'customer asked'))).code).not.toBe('outcome_unknown');
    expect(await storeHankoPayRefunds(store).load(PAYMENT_ID)).toMatchObject({ refunds: [{ amount: 2000, status: 'failed' }] });
    const back = (await store.getPayment(PAYMENT_ID))!;
    expect(back.status).toBe('succeeded');
    expect(await payments.refund(back, 2000, 'again')).toMatchObject({ status: 'refund_pending' });
    expect(hp.refundsSent).toBe(1);
  });

  it('a refund HankoPay accepted but the store could not record waits as refund_pending; a retry is refused', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const kept = memoryHankoPayRefunds();
    let failed = false;
    // The store fails once, on the first write after HankoPay has the refund.
    const failingAfterSend: HankoPayRefundStore = {
      ...kept,
      save: (paymentId, ledger) => {
        if (hp.refundsSent === 0 || failed) return kept.save(paymentId, ledger);
        failed = true;
        return Promise.reject(new Error('database is locked'));
      },
    };
    const { payments, payment, store } = await serviceWith({ fetch: fetchStub, refundStore: failingAfterSend });
    expect((await providerRejection(payments.refund(payment, 2000, 'customer asked'))).code).toBe('outcome_unknown');
    const waiting = (await store.getPayment(PAYMENT_ID))!;
    expect(waiting.status).toBe('refund_pending');
    expect((await appRejection(payments.refund(waiting, 2000, 'customer asked again'))).code).toBe('conflict');
    expect(hp.refundsSent).toBe(1);
  });

  it('a refund HankoPay accepted and recorded is refund_pending even when the lookup after it fails in an unforeseen way', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const kept = memoryHankoPayRefunds();
    let recorded = false;
    let failed = false;
    // The store fails once, on the first read after the refund's answer is recorded (the lookup's).
    const failingAfterRecord: HankoPayRefundStore = {
      ...kept,
      save: (paymentId, ledger) => {
        recorded = hp.refundsSent > 0;
        return kept.save(paymentId, ledger);
      },
      load: (paymentId) => {
        if (!recorded || failed) return kept.load(paymentId);
        failed = true;
        return Promise.reject(new Error('database disk image is malformed'));
      },
    };
    const { payments, payment, store } = await serviceWith({ fetch: fetchStub, refundStore: failingAfterRecord });
    // Not a refusal, which would put the payment back to succeeded while HankoPay has the refund.
    expect(await payments.refund(payment, 2000, 'customer asked')).toMatchObject({ status: 'refund_pending' });
    expect(failed).toBe(true);
    hp.refundStatus.set(FIRST_REFUND, 'success');
    expect(await payments.refresh((await store.getPayment(PAYMENT_ID))!, 'reconciler')).toMatchObject({ status: 'partially_refunded', refundedAmount: 2000 });
    expect(hp.refundsSent).toBe(1);
  });

  it('a store that cannot record the refund before it is sent stops it: nothing is sent', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const broken: HankoPayRefundStore = { ...memoryHankoPayRefunds(), save: () => Promise.reject(new Error('database is locked')) };
    const { payments, payment, store } = await serviceWith({ fetch: fetchStub, refundStore: broken });
    await expect(payments.refund(payment, 2000, 'customer asked')).rejects.toThrow('database is locked');
    // Not "it may have been sent, do not send it again": the merchant may simply try again.
    await expect(payments.refund(payment, 2000, 'customer asked')).rejects.toMatchObject({ code: 'provider_unavailable', message: expect.stringContaining('was not sent') });
    expect(hp.refundsSent).toBe(0);
    expect((await store.getPayment(PAYMENT_ID))!.status).toBe('succeeded');
  });

  it('a store that cannot read the refunds kept before the refund is sent stops it as not sent, not as a refund that may have been made', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const unreadable: HankoPayRefundStore = { ...memoryHankoPayRefunds(), load: () => Promise.reject(new Error('database is locked')) };
    const { payments, payment, store } = await serviceWith({ fetch: fetchStub, refundStore: unreadable });
    await expect(payments.refund(payment, 2000, 'customer asked')).rejects.toMatchObject({ code: 'provider_unavailable', message: expect.stringContaining('was not sent') });
    expect(hp.refundsSent).toBe(0);
    const back = (await store.getPayment(PAYMENT_ID))!;
    expect(back.status).toBe('succeeded');
    expect(await store.listOutboxByPayment(PAYMENT_ID)).toHaveLength(0);
  });

  it('an earlier refund that settles before the next is sent, but whose record fails, stops the next as not sent', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    const kept = memoryHankoPayRefunds();
    await kept.save(PAYMENT_ID, { transactionId: ORIGINAL, currency: 'USD', refunds: [{ id: FIRST_REFUND, amount: 1000, status: 'pending' }] });
    hp.refundStatus.set(FIRST_REFUND, 'success');
    const settledUnrecorded: HankoPayRefundStore = { ...kept, save: () => Promise.reject(new Error('disk I/O error')) };
    const { provider } = await serviceWith({ fetch: fetchStub, refundStore: settledUnrecorded });
    expect(await providerRejection(provider.refund!(lookup, 2000, 'USD', 'customer asked'))).toMatchObject({ code: 'provider_unavailable', message: expect.stringContaining('disk I/O error') });
    expect(hp.refundsSent).toBe(0);
  });
});

describe('lookups whose details answer is not what we assumed', () => {
  it.each([
    ['wrapped in data, with id and amount', () => json({ success: true, data: { id: ORIGINAL, orderId: PAYMENT_ID, status: 'success', amount: 50, currency: 'USD' } }), false],
    ['a numeric statusId', () => json({ success: true, data: { _id: ORIGINAL, statusId: 7, fromAmount: 50, currency: 'USD' } }), false],
    ['another wrapper (amount from the list)', () => json({ success: true, record: { _id: ORIGINAL } }), true],
    ['a 404 (amount from the list)', () => json({ success: false, message: 'Not found' }, 404), true],
    ['a record without amount (amount from the list)', () => json({ success: true, transaction: { transactionId: ORIGINAL, statusId: 7 } }), true],
  ])('%s: the documented status decides, and the amount is checked', async (_name, details, fromList) => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.details = details;
    const provider = createHankoPayProvider({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: fetchStub });
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'succeeded', amount: 5000, currency: 'USD', providerRef: ORIGINAL });
    expect(hp.calls.some((call) => call.startsWith('GET /api/v1/transactions?'))).toBe(fromList);
  });

  it('without an amount from the details or the list, a success stays pending, with a log saying why', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.details = () => json({ success: false, message: 'Not found' }, 404);
    hp.listed = [];
    const { payments, store, logs } = await serviceWith({ fetch: fetchStub }, 'pending');
    const payment = await payments.refresh((await store.getPayment(PAYMENT_ID))!, 'reconciler');
    expect(payment.status).toBe('pending');
    expect(logs).toContain(
      'HankoPay reports the payment paid, but neither the transaction details nor the transaction list gave its amount and currency; it stays pending until they can be checked',
    );
  });

  it('never reads a refund\'s own record in the list, newer and with the same orderId, as the payment\'s amount', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.details = () => json({ success: false, message: 'Not found' }, 404);
    hp.listed = [{ _id: 'rfd_1', referenceTransactionId: ORIGINAL, orderId: PAYMENT_ID, status: 'success', fromAmount: 20, currency: 'USD' }, ...hp.listed];
    const provider = createHankoPayProvider({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: fetchStub });
    expect(await provider.getPayment(lookup)).toMatchObject({ status: 'succeeded', amount: 5000, currency: 'USD' });
  });

  it('holds for review a success whose listed amount is not the order\'s', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.details = () => json({ success: true });
    hp.listed = [{ _id: ORIGINAL, orderId: PAYMENT_ID, status: 'success', fromAmount: 5, currency: 'USD' }];
    const { payments, store } = await serviceWith({ fetch: fetchStub }, 'pending');
    const payment = await payments.refresh((await store.getPayment(PAYMENT_ID))!, 'reconciler');
    expect(payment.status).toBe('pending');
    expect((await store.listEvents(PAYMENT_ID)).map((event) => event.type)).toContain('held_for_review');
  });
});

describe('the transaction list, whose order the document does not give', () => {
  /** 699 other orders a minute apart, then ours, the newest. */
  const history = () => [
    ...Array.from({ length: 699 }, (_, i) => ({ _id: `other_${i}`, orderId: `ORD-${i}`, status: 'success', fromAmount: 10, currency: 'USD', createdAt: new Date(Date.UTC(2026, 3, 1) + i * 60_000).toISOString() })),
    { _id: ORIGINAL, orderId: PAYMENT_ID, status: 'success', fromAmount: 50, currency: 'USD', createdAt: '2026-04-27T12:30:00.000Z' },
  ];
  const pagesRead = (calls: string[]) => calls.flatMap((call) => /^GET \/api\/v1\/transactions\?.*page=(\d+)/.exec(call)?.[1] ?? []).map(Number);

  it.each([
    ['oldest first: read from its last page back', (records: Record<string, unknown>[]) => records, [1, 7]],
    ['newest first', (records: Record<string, unknown>[]) => records.reverse(), [1]],
  ])('finds a payment whose create answer was lost, 700 records deep, when the list comes %s', async (_name, order, pages) => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.listed = order(history());
    const provider = createHankoPayProvider({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: fetchStub });
    expect(await provider.getPayment({ paymentId: PAYMENT_ID })).toMatchObject({ status: 'succeeded', providerRef: ORIGINAL, amount: 5000 });
    expect(pagesRead(hp.calls)).toEqual(pages);
  });
});

describe('a create answered success', () => {
  const request: CreatePaymentRequest = {
    paymentId: PAYMENT_ID,
    methodCode: 'card',
    fields: {},
    amount: 5000,
    currency: 'USD',
    locale: 'en',
    shopperIp: '203.0.113.10',
    returnUrls: { success: 'https://p.example/s', fail: 'https://p.example/f', pending: 'https://p.example/p' },
    callbackUrl: 'https://p.example/cb',
    card: { number: '4242424242424242', expiryMonth: '01', expiryYear: '2030', securityCode: '123', holderName: 'John Doe' },
  };

  it('is confirmed by a status lookup, with its amount, before it counts', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.createStatus = 'success';
    const provider = createHankoPayProvider({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: fetchStub });
    expect(await provider.createPayment(request)).toMatchObject({ status: 'succeeded', amount: 5000, currency: 'USD', card: { mask: '424242******4242' } });
    expect(hp.calls).toContain(`GET /api/v1/transactions/${ORIGINAL}/status`);
  });

  it('stays pending when the lookup fails, and is held for review when HankoPay holds another amount', async () => {
    const { hp, fetchStub } = documentedHankoPay();
    hp.createStatus = 'success';
    hp.originalStatus = () => json({ success: false, message: 'Service unavailable' }, 503);
    const provider = createHankoPayProvider({ baseUrl: 'https://hp.invalid', apiKey: 'k', fetch: fetchStub });
    expect(await provider.createPayment(request)).toMatchObject({ status: 'pending', providerRef: ORIGINAL });

    const { fetchStub: other, hp: otherHp } = documentedHankoPay();
    otherHp.createStatus = 'success';
    otherHp.details = () => json({ success: true, data: { _id: ORIGINAL, fromAmount: 1, currency: 'USD' } });
    const { payments, payment, provider: withService } = await serviceWith({ fetch: other }, 'pending');
    const state = await withService.createPayment(request);
    expect(state).toMatchObject({ status: 'succeeded', amount: 100 });
    expect((await payments.applyState(payment, state, 'pay')).status).toBe('pending');
  });
});
