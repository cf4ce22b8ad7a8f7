/**
 * The token pair kept in the proxy's database (Store.getProviderState / saveProviderState), so a
 * restarted proxy reuses the newest pair: after a rotation the configured refresh token is dead.
 * A stored value that cannot be read counts as no pair (the configured token is tried then).
 */
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import { readStoredState } from '../stored-state.js';
import type { PaymentHubTokenPair, PaymentHubTokenStore } from './token-manager.js';

/** The provider_state key of the pair. */
export const PAYMENTHUB_TOKEN_STATE_KEY = 'paymenthub:token-pair';
/** The store lock held around a reset, so a rotating refresh token is used once across processes. */
export const PAYMENTHUB_TOKEN_LOCK = 'paymenthub:token-reset';

const storedPairSchema = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.number(),
  refreshToken: z.string().min(1),
  refreshTokenExpiresAt: z.number(),
});

export class StorePaymentHubTokenStore implements PaymentHubTokenStore {
  constructor(
    private readonly store: Pick<Store, 'getProviderState' | 'saveProviderState'>,
    private readonly key = PAYMENTHUB_TOKEN_STATE_KEY,
  ) {}

  async load(): Promise<PaymentHubTokenPair | undefined> {
    return readStoredState(await this.store.getProviderState(this.key), storedPairSchema);
  }

  save(pair: PaymentHubTokenPair): Promise<void> {
    const { accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt } = pair;
    return this.store.saveProviderState(this.key, JSON.stringify({ accessToken, accessTokenExpiresAt, refreshToken, refreshTokenExpiresAt }));
  }
}
