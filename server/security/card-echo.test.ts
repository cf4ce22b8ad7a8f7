import { describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { createLogger } from '../logger.js';
import { PaymentService } from '../payments/payment-service.js';
import type { PaymentMethod, PaymentProvider, ProviderPaymentState } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { openTestSession } from '../testing/open-session.js';
import { stubProvider } from '../testing/stub-provider.js';
import { withoutCardEcho } from './card-echo.js';

const NUMBER = '4938172650439173';
const CODE = '827';
const card = { number: NUMBER, expiryMonth: '12', expiryYear: '2031', securityCode: CODE, holderName: 'Ada Lovelace' };
const cardMethod: PaymentMethod = { id: 'directcard:card', provider: 'directcard', name: 'Card', category: 'card', fields: [], cardEntry: true };

/** A card provider whose create answers with `create`, a service over it, and what the service keeps. */
function serviceWith(create: PaymentProvider['createPayment']) {
  const store = SqliteStore.open(':memory:');
  const provider = stubProvider('directcard', { listMethods: async () => [cardMethod], createPayment: create });
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9', merchantWebhooks: true });
  /** Everything kept about the session's payments: rows, events and webhooks. */
  const kept = async (sessionId: string) => {
    const rows = await store.listPaymentsBySession(sessionId);
    const events = await Promise.all(rows.map((row) => store.listEvents(row.id)));
    const webhooks = await Promise.all(rows.map((row) => store.listOutboxByPayment(row.id)));
    return JSON.stringify({ rows, events, webhooks });
  };
  return { store, payments, kept };
}

const quotes = (text: string) => text.includes(NUMBER) || new RegExp(`(?<!\\d)${CODE}(?!\\d)`).test(text);

describe("a provider quoting the card back in a create's answer", () => {
  it('keeps the card out of the error the shopper gets (and the route logs), the payment, its events and its webhook', async () => {
    const { store, payments, kept } = serviceWith(async () => {
      throw new ProviderError('card_declined', `cvv ${CODE} does not match card ${NUMBER}`, 'directcard', 400, { resultMessage: `cvv ${CODE} does not match card ${NUMBER}`, card: { cvv: CODE } });
    });
    const session = await openTestSession(store);
    const error = await payments.pay(session, { methodId: cardMethod.id, fields: {}, card }, 'key-1', {}).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ProviderError);
    const refused = error as ProviderError;
    expect(refused.code).toBe('card_declined');
    expect(refused.message).toContain('does not match card');
    for (const text of [refused.message, refused.stack ?? '', JSON.stringify(refused.raw), await kept(session.id)]) expect(quotes(text), text).toBe(false);
    const [payment] = await store.listPaymentsBySession(session.id);
    expect(payment?.status).toBe('failed');
  });

  it("keeps the card out of a failed state's words", async () => {
    const failed: ProviderPaymentState = { status: 'failed', providerRef: 'ref-1', failure: { code: 'card_declined', message: `Security code ${CODE} is wrong` }, providerStatus: `FAILED (cvc ${CODE})` };
    const { store, payments, kept } = serviceWith(async () => failed);
    const session = await openTestSession(store);
    const payment = await payments.pay(session, { methodId: cardMethod.id, fields: {}, card }, 'key-1', {});
    expect(payment.status).toBe('failed');
    expect(payment.failure?.message).toBe('Security code *** is wrong');
    expect(quotes(await kept(session.id))).toBe(false);
  });
});

describe('withoutCardEcho', () => {
  it('masks the number, grouped or not, and drops the code only where it stands as a number of its own', () => {
    const sent = { number: NUMBER, securityCode: CODE };
    expect(withoutCardEcho(`card 4938 1726 5043 9173, cvc ${CODE}.`, sent)).toBe('card 493817******9173, cvc ***.');
    expect(withoutCardEcho(`ref 18270 at 11:21:28.8275`, sent)).toBe('ref 18270 at 11:21:28.8275');
  });
});
