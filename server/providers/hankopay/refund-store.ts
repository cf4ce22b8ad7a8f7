/**
 * The refunds the adapter asked of HankoPay, per payment: each refund's amount (minor units), its
 * own transaction id once known, and what its status lookup last said; written before the refund
 * is sent. The document answers a refund with
 * its own `refundTransactionId` and `"status": "pending"` and never says the original transaction
 * changes, so this record is what tells a settled or pending refund from none at all. It lives in
 * the proxy's database (Store.getProviderState / saveProviderState), so a restart forgets nothing.
 * A stored value that cannot be read counts as no refunds.
 */
import { z } from 'zod';
import { KeyedMutex } from '../../store/keyed-mutex.js';
import type { Store } from '../../store/store.js';
import { readStoredState } from '../stored-state.js';

/** The provider_state key prefix of a payment's refunds (`<prefix>:<paymentId>`). */
export const HANKOPAY_REFUNDS_STATE_KEY = 'hankopay:refunds';

const refundSchema = z.object({
  /** Absent until HankoPay's answer names the refundTransactionId (written before sending; the answer may be lost or name none). */
  id: z.string().min(1).optional(),
  amount: z.number().int().positive(),
  status: z.enum(['pending', 'success', 'failed']),
});
export type HankoPayKnownRefund = z.infer<typeof refundSchema>;

const ledgerSchema = z.object({
  /** The original transaction the refunds belong to. */
  transactionId: z.string().min(1),
  currency: z.string(),
  refunds: z.array(refundSchema),
});
export type HankoPayRefundLedger = z.infer<typeof ledgerSchema>;

export interface HankoPayRefundStore {
  load(paymentId: string): Promise<HankoPayRefundLedger | undefined>;
  save(paymentId: string, ledger: HankoPayRefundLedger): Promise<void>;
  /** Runs `fn` alone for this payment (read, change, save), across every instance on the store. */
  lock<T>(paymentId: string, fn: () => Promise<T>): Promise<T>;
}

/** The refunds kept in the proxy's store under `<prefix>:<paymentId>`. */
export function storeHankoPayRefunds(
  store: Pick<Store, 'getProviderState' | 'saveProviderState' | 'withLock'>,
  prefix = HANKOPAY_REFUNDS_STATE_KEY,
): HankoPayRefundStore {
  const key = (paymentId: string) => `${prefix}:${paymentId}`;
  return {
    load: async (paymentId) => readStoredState(await store.getProviderState(key(paymentId)), ledgerSchema),
    save: (paymentId, ledger) => store.saveProviderState(key(paymentId), JSON.stringify(ledger)),
    lock: (paymentId, fn) => store.withLock(key(paymentId), fn),
  };
}

/** Refunds remembered by this process only: for an adapter built without the proxy's store (tests, scripts). */
export function memoryHankoPayRefunds(): HankoPayRefundStore {
  const values = new Map<string, string>();
  const locks = new KeyedMutex();
  return {
    load: (paymentId) => Promise.resolve(readStoredState(values.get(paymentId), ledgerSchema)),
    save: (paymentId, ledger) => {
      values.set(paymentId, JSON.stringify(ledger));
      return Promise.resolve();
    },
    lock: (paymentId, fn) => locks.run(paymentId, fn),
  };
}
