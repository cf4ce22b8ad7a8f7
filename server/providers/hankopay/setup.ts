import { randomBytes } from 'node:crypto';
import type { ProviderModule } from '../registry.js';
import { simulatorPath } from '../registry.js';
import { faultsOf } from '../simulator-faults.js';
import { createHankoPayProvider } from './adapter.js';
import { storeHankoPayRefunds } from './refund-store.js';
import { createHankoPaySimulator } from './simulator.js';

/**
 * HankoPay with real credentials when HANKOPAY_BASE_URL and HANKOPAY_API_KEY are set; otherwise,
 * in sandbox mode, the built-in simulator with a merchant API key made up for this run. The real
 * service's paymentLink is a top-level redirect (framing undocumented); the simulator's page
 * allows framing, so the sandbox shows it in a frame. Either way the refunds asked for are kept in
 * the store, per payment. Exported for the registry; not registered yet.
 */
export const hankopayModule: ProviderModule = {
  id: 'hankopay',
  setup({ config, logger, internalUrl, store }) {
    const real = config.providers.hankopay;
    const common = { refundStore: storeHankoPayRefunds(store), logger };
    if (real) return { provider: createHankoPayProvider({ ...real, ...common }) };
    if (!config.sandbox) return undefined;

    const apiKey = `hkp_test_${randomBytes(16).toString('hex')}`;
    const path = simulatorPath('hankopay');
    return {
      provider: createHankoPayProvider({ ...common, baseUrl: `${internalUrl}${path}`, apiKey, paymentLinkAction: 'iframe' }),
      simulator: createHankoPaySimulator({ faultInjection: faultsOf(config.simulatorFaults.hankopay), apiKey, publicUrl: `${config.publicUrl}${path}`, logger }),
    };
  },
};
