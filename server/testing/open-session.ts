import type { SessionRecord, Store } from '../store/store.js';

/** Stores a checkout session for tests (order `o`, USD 48.00, valid for a minute) and returns it. */
export async function openTestSession(store: Store, overrides: Partial<SessionRecord> = {}): Promise<SessionRecord> {
  const now = new Date();
  const session: SessionRecord = {
    id: 's',
    orderId: 'o',
    amount: 4800,
    currency: 'USD',
    returnUrl: 'https://shop.example',
    locale: 'en',
    captureMethod: 'automatic',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + 60_000).toISOString(),
    ...overrides,
  };
  await store.createSession(session);
  return (await store.getSession(session.id))!;
}
