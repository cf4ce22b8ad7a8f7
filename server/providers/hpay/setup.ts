import { randomBytes } from 'node:crypto';
import type { ProviderModule } from '../registry.js';
import { simulatorPath } from '../registry.js';
import { faultsOf } from '../simulator-faults.js';
import { createHpayProvider } from './adapter.js';
import { createHpaySimulator } from './simulator.js';
import { storeSharedHpayToken } from './token-store.js';

/** The simulated account's currency (getToken's example: CAD). */
export const HPAY_SANDBOX_CURRENCY = 'CAD';

/**
 * HPAY with real credentials when HPAY_BASE_URL and the three keys are set (HPAY_MODE: TEST by
 * default); otherwise, in sandbox mode, the built-in simulator with keys made up for this run.
 * Exported for the registry; not registered yet.
 */
export const hpayModule: ProviderModule = {
  id: 'hpay',
  setup({ config, logger, internalUrl, store }) {
    const real = config.providers.hpay;
    // Real HPAY: one token for every instance (each simulator, by contrast, knows only its own tokens).
    if (real) return { provider: createHpayProvider({ ...real, ...(store ? { sharedToken: storeSharedHpayToken(store) } : {}) }) };
    if (!config.sandbox) return undefined;

    const credentials = {
      apiKey: `hpay_test_${randomBytes(8).toString('hex')}`,
      publicKey: `pkey.${randomBytes(12).toString('hex')}`,
      secretKey: randomBytes(24).toString('hex'),
      mode: 'TEST' as const,
    };
    const path = simulatorPath('hpay');
    return {
      provider: createHpayProvider({ baseUrl: `${internalUrl}${path}`, ...credentials }),
      simulator: createHpaySimulator({ faultInjection: faultsOf(config.simulatorFaults.hpay), ...credentials, currency: HPAY_SANDBOX_CURRENCY, publicUrl: `${config.publicUrl}${path}`, logger }),
    };
  },
};
