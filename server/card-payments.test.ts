import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantCall, widgetCall } from './testing/api-calls.js';
import { formsOf } from './testing/html-forms.js';
import { startProxy, type ProxyHarness } from './testing/proxy-harness.js';

// directcard's simulator test cards (server/providers/directcard/simulator.ts).
const CHALLENGE_CARD = '5421190122090656';
const FRICTIONLESS_CARD = '4111111111111111';
const DECLINED_CARD = '4000000000000002';
const HANKOPAY_CARD = '4242424242424242';
const SECURITY_CODE = '837';

const logLines: string[] = [];
const dbDir = mkdtempSync(join(tmpdir(), 'pay-checkout-cards-'));
let proxy: ProxyHarness;

beforeAll(async () => {
  const logs = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  proxy = await startProxy({ logs, dbPath: join(dbDir, 'checkout.db') });
});
afterAll(async () => {
  await proxy.close();
});

const merchant = (method: string, path: string, body?: unknown) => merchantCall(proxy.url, method, path, body);
const widget = (method: string, path: string, token: string, options: { body?: unknown; key?: string } = {}) =>
  widgetCall(proxy.url, method, path, token, options);

async function newSession(overrides: Record<string, unknown> = {}) {
  const { status, body } = await merchant('POST', '/api/sessions', {
    orderId: `order-${Math.random().toString(36).slice(2)}`,
    amount: '1000.00',
    currency: 'TRY',
    provider: 'directcard',
    returnUrl: 'https://shop.example/return',
    ...overrides,
  });
  expect(status).toBe(201);
  return body as { token: string; sessionId: string };
}

const card = (number: string) => ({ number, expiryMonth: '12', expiryYear: '30', securityCode: SECURITY_CODE, holderName: 'Ada Lovelace' });

async function post(url: string, fields: Record<string, string>) {
  const response = await fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
  return { url, status: response.status, headers: response.headers, html: await response.text() };
}

/**
 * Plays the shopper's browser through 3-D Secure: loads the proxy's challenge page, submits its form
 * to the issuer (the simulator's ACS), answers the challenge, and follows the post back to the proxy.
 */
async function passChallenge(challengeUrl: string, answer: 'complete' | 'fail' = 'complete') {
  // The element frames a wrapper of the proxy's origin; the gateway's markup is in its inner frame.
  const wrapper = await fetch(challengeUrl);
  expect(wrapper.status).toBe(200);
  expect(wrapper.headers.get('content-security-policy')).toContain("frame-src 'self' https:");
  const contentPath = /<iframe id="challenge" title="3-D Secure verification" src="([^"]+)"/.exec(await wrapper.text())![1]!;
  const page = await fetch(new URL(contentPath, proxy.url));
  expect(page.status).toBe(200);
  const policy = page.headers.get('content-security-policy') ?? '';
  const [toIssuer] = formsOf(await page.text());
  let step = await post(toIssuer!.action, toIssuer!.fields);
  const [decide] = formsOf(step.html);
  step = await post(new URL(decide!.action, step.url).toString(), { ...decide!.fields, decision: answer });
  const back = formsOf(step.html).find((form) => form.action.startsWith(proxy.url))!;
  expect(back.action).toMatch(/\/api\/checkout\/3ds\/pay_/);
  const landed = await post(back.action, back.fields);
  return { policy, back, landed };
}

describe('card payments with directcard through the proxy', () => {
  it('offers installments for the card prefix at the stored amount, and pays 3 of them after 3-D Secure', async () => {
    const { token } = await newSession();
    const options = await widget('POST', '/api/checkout/installments', token, { body: { methodId: 'directcard:card', bin: CHALLENGE_CARD.slice(0, 8) } });
    expect(options.status).toBe(200);
    expect(options.body.options.map((option: { count: number }) => option.count)).toEqual([2, 3, 6, 9, 12]);
    // The document's example: 1000.00 TRY in 3 installments with 3.5 % interest.
    expect(options.body.options[1]).toMatchObject({ count: 3, totalAmount: 103500, installmentAmount: 34500, interestRate: 3.5 });

    const paid = await widget('POST', '/api/checkout/payments', token, {
      key: 'k1',
      body: { methodId: 'directcard:card', card: card(CHALLENGE_CARD), installments: 3 },
    });
    expect(paid.status).toBe(201);
    expect(paid.body.payment.status).toBe('requires_action');
    expect(paid.body.payment.action).toEqual({ type: 'html', url: expect.stringMatching(new RegExp(`^${proxy.url}/api/checkout/challenge/chl_`)) });
    // The plan the shopper chose goes with the payment: its total is what they agreed to pay.
    expect(paid.body.payment.installments).toEqual({ count: 3, totalAmount: 103500 });

    const { policy, landed } = await passChallenge(paid.body.payment.action.url);
    // The gateway's markup runs in an opaque origin: it cannot reach the proxy's.
    expect(policy).toContain('sandbox allow-scripts allow-forms;');
    expect(policy).not.toContain('allow-same-origin');
    expect(policy).toContain(`form-action https: ${proxy.directcardUrl}`);
    expect(policy).toContain("frame-ancestors 'self' https://shop.example");
    expect(landed.status).toBe(200);
    expect(landed.html).toContain('Verified');

    const { body: payment } = await merchant('GET', `/api/payments/${paid.body.payment.id}`);
    expect(payment.status).toBe('succeeded');
    expect(payment.card).toEqual({ mask: '542119******0656', brand: 'MASTERCARD' });
    expect(payment).toMatchObject({ amount: '1000.00', installments: { count: 3, totalAmount: '1035.00', totalAmountMinor: 103500 } });
    const seen = await widget('GET', `/api/checkout/payments/${paid.body.payment.id}`, token);
    expect(seen.body).toMatchObject({ status: 'succeeded', amount: 100000, installments: { count: 3, totalAmount: 103500 } });
    // The challenge page is gone once the verification is over.
    expect((await fetch(paid.body.payment.action.url)).status).toBe(404);
  });

  it('refuses forged and replayed 3-D Secure returns, and says nothing changed', async () => {
    const { token } = await newSession();
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card: card(CHALLENGE_CARD) } });
    const paymentId: string = paid.body.payment.id;

    const unknown = await post(`${proxy.url}/api/checkout/3ds/pay_unknown`, { paymentId: 'x', securityKey: 'y' });
    expect(unknown.status).toBe(404);
    expect(unknown.html).toContain('nothing changed');

    const forged = await post(`${proxy.url}/api/checkout/3ds/${paymentId}`, { paymentId: 'whatever', securityKey: 'guessed' });
    expect(forged.status).toBeGreaterThanOrEqual(400);
    expect(forged.html).toContain('nothing changed');
    expect((await merchant('GET', `/api/payments/${paymentId}`)).body.status).toBe('requires_action');

    const { back } = await passChallenge(paid.body.payment.action.url);
    expect((await merchant('GET', `/api/payments/${paymentId}`)).body.status).toBe('succeeded');
    const replayed = await post(back.action, back.fields);
    expect(replayed.status).toBe(409);
    expect(replayed.html).toContain('already over');
    const events = (await merchant('GET', `/api/payments/${paymentId}`)).body.events;
    expect(events.filter((event: { toStatus?: string }) => event.toStatus === 'succeeded')).toHaveLength(1);
  });

  it("keeps a payment waiting when the completion's answer is lost, and refuses to charge the order again", async () => {
    const { token } = await newSession();
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card: card(CHALLENGE_CARD) } });
    proxy.directcardFaults.failNextRequests = 1;
    const { landed } = await passChallenge(paid.body.payment.action.url);
    expect(landed.status).toBe(502);
    expect(landed.html).toContain('We could not confirm this payment yet');
    expect((await merchant('GET', `/api/payments/${paid.body.payment.id}`)).body.status).toBe('pending');
    const again = await widget('POST', '/api/checkout/payments', token, { key: 'k2', body: { methodId: 'directcard:card', card: card(FRICTIONLESS_CARD) } });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/still being confirmed/);
  });

  it('lets only one of two simultaneous captures through', async () => {
    const { token } = await newSession({ captureMethod: 'manual' });
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card: card(FRICTIONLESS_CARD) } });
    const captures = await Promise.all([1, 2].map(() => merchant('POST', `/api/payments/${paid.body.payment.id}/capture`, {})));
    expect(captures.map((answer) => answer.status).sort()).toEqual([200, 409]);
  });

  it('refuses installments on a pre-authorization, and offers none', async () => {
    const { token } = await newSession({ captureMethod: 'manual' });
    const options = await widget('POST', '/api/checkout/installments', token, { body: { methodId: 'directcard:card', bin: CHALLENGE_CARD.slice(0, 8) } });
    expect(options.body.options).toEqual([]);
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card: card(CHALLENGE_CARD), installments: 3 } });
    expect(paid).toMatchObject({ status: 400, body: { error: { message: 'installments: a pre-authorization is captured in one amount' } } });
  });

  it('refuses an installment count the gateway did not offer, and card data for a method that takes none', async () => {
    const { token } = await newSession();
    const five = await widget('POST', '/api/checkout/payments', token, { key: 'a', body: { methodId: 'directcard:card', card: card(CHALLENGE_CARD), installments: 5 } });
    expect(five).toMatchObject({ status: 400, body: { error: { message: 'installments: 5 is not offered for this card and amount' } } });
    const noCard = await widget('POST', '/api/checkout/payments', token, { key: 'b', body: { methodId: 'directcard:card' } });
    expect(noCard.body.error.message).toBe('card: this method needs the card details');
    const badCard = await widget('POST', '/api/checkout/payments', token, { key: 'c', body: { methodId: 'directcard:card', card: { ...card(CHALLENGE_CARD), expiryMonth: '13' } } });
    expect(badCard.status).toBe(400);
    expect(badCard.body.error.message).toMatch(/^card\.expiryMonth: /);
    expect(JSON.stringify(badCard.body)).not.toContain(CHALLENGE_CARD);
  });

  it('fails a declined card with a clear reason for the shopper', async () => {
    const { token } = await newSession();
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card: card(DECLINED_CARD) } });
    expect(paid.status).toBe(201);
    await passChallenge(paid.body.payment.action.url);
    const { body } = await widget('GET', `/api/checkout/payments/${paid.body.payment.id}`, token);
    expect(body.status).toBe('failed');
    expect(body.failure.code).toBe('card_declined');
    expect(body.failure.message).toMatch(/declined/i);
  });

  it('pre-authorizes, captures part of it, and refuses a capture above the authorized amount and a refund', async () => {
    const { token } = await newSession({ captureMethod: 'manual' });
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:card', card: card(FRICTIONLESS_CARD) } });
    expect(paid.status).toBe(201);
    expect(paid.body.payment.status).toBe('authorized');
    const id: string = paid.body.payment.id;

    const tooMuch = await merchant('POST', `/api/payments/${id}/capture`, { amount: '1000.01' });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { message: 'amount: at most 100000 minor units were authorized' } } });
    const captured = await merchant('POST', `/api/payments/${id}/capture`, { amount: '600.00' });
    expect(captured.status).toBe(200);
    expect(captured.body.status).toBe('succeeded');
    expect(captured.body).toMatchObject({ amount: '1000.00', capturedAmount: '600.00', capturedAmountMinor: 60000 });
    const again = await merchant('POST', `/api/payments/${id}/capture`, { amount: '100.00' });
    expect(again.status).toBe(409);
    const refund = await merchant('POST', `/api/payments/${id}/refund`, { reason: 'customer asked' });
    expect(refund).toMatchObject({ status: 422, body: { error: { code: 'not_supported' } } });
  });

  it('pays through a hosted checkout link: the page posts checkoutId back, the proxy looks the checkout up', async () => {
    const { token } = await newSession({ returnUrl: 'https://shop.example/return?order=77' });
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'directcard:hosted' } });
    expect(paid.status).toBe(201);
    expect(paid.body.payment.action).toEqual({ type: 'redirect', url: expect.stringMatching(new RegExp(`^${proxy.directcardUrl}/checkout-link/`)) });

    // The shopper pays on directcard's page, which posts checkoutId back to the proxy as form data.
    const page = await fetch(paid.body.payment.action.url);
    const payAction = /<form method="post" action="([^"]+)"/.exec(await page.text())![1]!.replaceAll('&amp;', '&');
    const done = await post(new URL(payAction, paid.body.payment.action.url).toString(), {
      pan: FRICTIONLESS_CARD, expiryMonth: '12', expiryYear: '39', cvv: SECURITY_CODE, cardHolderName: 'Ada Lovelace', installmentCount: '1',
    });
    const back = formsOf(done.html).find((form) => form.action.startsWith(proxy.url))!;
    expect(Object.keys(back.fields)).toEqual(['checkoutId']);
    const returned = await post(back.action, back.fields);
    expect(returned.status).toBe(303);
    expect(returned.headers.get('location')).toBe(`https://shop.example/return?order=77&paymentId=${paid.body.payment.id}`);
    expect((await merchant('GET', `/api/payments/${paid.body.payment.id}`)).body.status).toBe('succeeded');

    // A forged post naming another checkout changes nothing: the lookup is by our stored reference.
    const forged = await post(back.action, { checkoutId: 'not-ours' });
    expect(forged.status).toBe(303);
    expect((await merchant('GET', `/api/payments/${paid.body.payment.id}`)).body.events.filter((e: { toStatus?: string }) => e.toStatus === 'succeeded')).toHaveLength(1);
  });

  it('pays by card with HankoPay too, keeping only the masked number', async () => {
    const { token } = await newSession({ provider: 'hankopay', currency: 'USD', amount: '35.00' });
    const paid = await widget('POST', '/api/checkout/payments', token, { key: 'k', body: { methodId: 'hankopay:card', card: card(HANKOPAY_CARD) } });
    expect(paid.body.payment).toMatchObject({ status: 'succeeded', card: { mask: '424242******4242' } });
    // Paid on the strength of a status lookup (its statusReason; the create's answer has none), not the create's word alone.
    const { events } = (await merchant('GET', `/api/payments/${paid.body.payment.id}`)).body;
    expect(events.filter((event: { toStatus?: string }) => event.toStatus === 'succeeded')).toEqual([
      expect.objectContaining({ detail: expect.objectContaining({ providerStatus: 'success (Approved)' }) as unknown }),
    ]);
  });

  it('never writes the card number or the security code to a log, a row or a file', async () => {
    // Runs last: the flows above put every test card and the security code through the proxy.
    const numbers = [CHALLENGE_CARD, FRICTIONLESS_CARD, DECLINED_CARD, HANKOPAY_CARD];
    const logs = logLines.join('');
    expect(logs.length).toBeGreaterThan(1000);
    const files = readdirSync(dbDir).map((name) => readFileSync(join(dbDir, name)).toString('latin1'));
    expect(files.join('').length).toBeGreaterThan(1000);
    const rows = JSON.stringify(
      ['sessions', 'payments', 'payment_events'].map((table) =>
        (proxy.store as unknown as { db: { prepare(sql: string): { all(): unknown[] } } }).db.prepare(`SELECT * FROM ${table}`).all(),
      ),
    );
    for (const haystack of [logs, rows, ...files]) {
      for (const number of numbers) expect(haystack).not.toContain(number);
      expect(haystack).not.toMatch(new RegExp(`"(securityCode|cvv|cvc)":\\s*"?${SECURITY_CODE}`));
      expect(haystack).not.toContain(`"${SECURITY_CODE}"`);
    }
    // The masked numbers are there, so the search looked in the right places.
    expect(rows).toContain('542119******0656');
  });
});
