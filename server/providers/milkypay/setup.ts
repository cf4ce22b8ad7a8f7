import { randomBytes } from 'node:crypto';
import type { ProviderModule } from '../registry.js';
import { simulatorPath } from '../registry.js';
import { faultsOf } from '../simulator-faults.js';
import { createMilkyPayProvider } from './adapter.js';
import { createMilkyPaySimulator } from './simulator.js';

/**
 * MilkyPay with real credentials when MILKYPAY_BASE_URL and MILKYPAY_PUBLIC_KEY are set;
 * otherwise, in sandbox mode, the built-in simulator with credentials made up for this run.
 */
export const milkypayModule: ProviderModule = {
  id: 'milkypay',
  setup({ config, logger, internalUrl }) {
    const real = config.providers.milkypay;
    if (real) return { provider: createMilkyPayProvider(real) };
    if (!config.sandbox) return undefined;

    const credentials = {
      publicKey: `pk_test_${randomBytes(16).toString('hex')}`,
      apiUser: 'sandbox',
      apiPassword: randomBytes(16).toString('hex'),
    };
    const path = simulatorPath('milkypay');
    return {
      provider: createMilkyPayProvider({ baseUrl: `${internalUrl}${path}`, ...credentials }),
      simulator: createMilkyPaySimulator({ faultInjection: faultsOf(config.simulatorFaults.milkypay), ...credentials, publicUrl: `${config.publicUrl}${path}`, logger }),
    };
  },
};
