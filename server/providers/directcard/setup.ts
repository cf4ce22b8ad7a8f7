import { randomBytes } from 'node:crypto';
import type { ProviderModule } from '../registry.js';
import { simulatorPath } from '../registry.js';
import { faultsOf } from '../simulator-faults.js';
import { createDirectCardProvider } from './adapter.js';
import { createDirectCardSimulator } from './simulator.js';

/**
 * directcard with real credentials when DIRECTCARD_BASE_URL, DIRECTCARD_API_KEY and
 * DIRECTCARD_API_SECRET are set; otherwise, in sandbox mode, the built-in simulator with
 * credentials made up for this run. Exported for the registry; not registered yet.
 */
export const directcardModule: ProviderModule = {
  id: 'directcard',
  setup({ config, logger, internalUrl }) {
    const real = config.providers.directcard;
    if (real) return { provider: createDirectCardProvider(real) };
    if (!config.sandbox) return undefined;

    const credentials = {
      apiKey: `dc_test_${randomBytes(12).toString('hex')}`,
      apiSecret: randomBytes(24).toString('hex'),
    };
    const path = simulatorPath('directcard');
    return {
      provider: createDirectCardProvider({ baseUrl: `${internalUrl}${path}`, ...credentials }),
      simulator: createDirectCardSimulator({ faultInjection: faultsOf(config.simulatorFaults.directcard), ...credentials, publicUrl: `${config.publicUrl}${path}`, logger }),
    };
  },
};
