import { randomBytes } from 'node:crypto';
import type { ProviderModule } from '../registry.js';
import { simulatorPath } from '../registry.js';
import { createPaymentHubProvider } from './adapter.js';
import { createPaymentHubSimulator } from './simulator.js';
import { PAYMENTHUB_TOKEN_LOCK, PAYMENTHUB_TOKEN_STATE_KEY, StorePaymentHubTokenStore } from './token-store.js';

/**
 * Payment Hub with real credentials when PAYMENTHUB_BASE_URL and PAYMENTHUB_REFRESH_TOKEN are set;
 * otherwise, in sandbox mode, the built-in simulator with a refresh token made up for this run.
 * Either way the rotating token pair lives in the store, and resets hold the store's lock.
 */
export const paymenthubModule: ProviderModule = {
  id: 'paymenthub',
  setup({ config, logger, internalUrl, store }) {
    const real = config.providers.paymenthub;
    const common = {
      // The simulator's pair lives apart, so a sandbox run never overwrites (or sends) a real pair.
      tokenStore: new StorePaymentHubTokenStore(store, real ? PAYMENTHUB_TOKEN_STATE_KEY : `${PAYMENTHUB_TOKEN_STATE_KEY}:sandbox`),
      lock: <T>(fn: () => Promise<T>) => store.withLock(PAYMENTHUB_TOKEN_LOCK, fn),
      onCredentialsRefused: (message: string) => logger.error({ provider: 'paymenthub' }, `Payment Hub credentials refused: ${message}`),
    };
    if (real) {
      return { provider: createPaymentHubProvider({ ...common, baseUrl: real.baseUrl, refreshToken: real.refreshToken, ...(real.paymentVendor ? { paymentVendor: real.paymentVendor } : {}) }) };
    }
    if (!config.sandbox) return undefined;

    const refreshToken = `ph_refresh_sandbox_${randomBytes(16).toString('hex')}`;
    const path = simulatorPath('paymenthub');
    return {
      provider: createPaymentHubProvider({ ...common, baseUrl: `${internalUrl}${path}`, refreshToken }),
      simulator: createPaymentHubSimulator({ refreshToken, publicUrl: `${config.publicUrl}${path}`, logger }),
    };
  },
};
