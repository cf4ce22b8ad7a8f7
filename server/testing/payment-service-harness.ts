import { createLogger } from '../logger.js';
import { PaymentService } from '../payments/payment-service.js';
import type { PaymentProvider } from '../providers/provider.js';
import { ProviderRegistry } from '../providers/registry.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { PaymentRecord } from '../store/store.js';

/** The payment service over one provider and a store (in memory unless given), for tests of what it does with a provider's answers. */
export function serviceFor(provider: PaymentProvider, store = SqliteStore.open(':memory:')) {
  const payments = new PaymentService({ store, providers: new ProviderRegistry([provider]), logger: createLogger({ level: 'silent' }), publicUrl: 'http://127.0.0.1:9' });
  return { store, payments };
}

/** A paid payment of its own session and order, as the provider created it. */
export async function succeededPayment(store: SqliteStore, id: string, provider: PaymentProvider['id'], amount: number, currency: string, providerRef?: string): Promise<PaymentRecord> {
  const now = new Date().toISOString();
  await store.createSession({ id: `ses_${id}`, orderId: `order_${id}`, amount, currency, returnUrl: 'https://shop.example/r', locale: 'en', captureMethod: 'automatic', createdAt: now, expiresAt: now });
  const { payment } = await store.createPayment({ id, sessionId: `ses_${id}`, orderId: `order_${id}`, provider, methodId: `${provider}:x`, amount, currency, status: 'succeeded', ...(providerRef ? { providerRef } : {}) });
  return payment;
}
