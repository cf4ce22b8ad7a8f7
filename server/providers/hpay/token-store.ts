import { z } from 'zod';
import type { Store } from '../../store/store.js';
import { readStoredState } from '../stored-state.js';
import type { HpayAccessToken, HpaySharedToken } from './client.js';

/** The provider_state key of the shared token, and the store lock held while one instance gets the next. */
export const HPAY_TOKEN_STATE_KEY = 'hpay:token';
export const HPAY_TOKEN_LOCK = 'hpay:token';

const storedTokenSchema = z.object({
  token: z.string().min(1),
  usableUntil: z.number(),
  currency: z.string().optional(),
  company: z.string().optional(),
});

/** HPAY's token kept in the proxy's database, for every instance on it. An unreadable value counts as none. */
export function storeSharedHpayToken(store: Pick<Store, 'getProviderState' | 'saveProviderState' | 'withLock'>): HpaySharedToken {
  return {
    async load(): Promise<HpayAccessToken | undefined> {
      const stored = readStoredState(await store.getProviderState(HPAY_TOKEN_STATE_KEY), storedTokenSchema);
      if (!stored) return undefined;
      const { token, usableUntil, currency, company } = stored;
      return { token, usableUntil, ...(currency !== undefined ? { currency } : {}), ...(company !== undefined ? { company } : {}) };
    },
    save: (token) => store.saveProviderState(HPAY_TOKEN_STATE_KEY, JSON.stringify(token)),
    lock: (fn) => store.withLock(HPAY_TOKEN_LOCK, fn),
  };
}
