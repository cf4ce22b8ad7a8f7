import type { Router } from 'express';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';
import { directcardModule } from './directcard/setup.js';
import { hankopayModule } from './hankopay/setup.js';
import { hpayModule } from './hpay/setup.js';
import { milkypayModule } from './milkypay/setup.js';
import { paymenthubModule } from './paymenthub/setup.js';
import type { PaymentProvider, ProviderId } from './provider.js';
import type { Store } from '../store/store.js';

/** What a provider module gets to build its adapter (and, in sandbox mode, its simulator). */
export interface ProviderContext {
  config: Config;
  logger: Logger;
  /** Where the proxy reaches itself, server to server (for the adapter talking to a mounted simulator). */
  internalUrl: string;
  /** The proxy's store, for provider state that must outlive the process (Payment Hub's token pair). */
  store: Store;
}

export interface ProviderSetup {
  provider: PaymentProvider;
  /** A simulator to mount at `/simulators/<id>` when the provider runs in sandbox mode. */
  simulator?: Router;
}

export interface ProviderModule {
  id: ProviderId;
  /** Undefined when the provider is neither configured nor simulated. */
  setup(context: ProviderContext): ProviderSetup | undefined;
}

/** Adding a provider means adding its folder and one line here. */
export const PROVIDER_MODULES: readonly ProviderModule[] = [milkypayModule, paymenthubModule, directcardModule, hankopayModule, hpayModule];

export function simulatorPath(id: ProviderId): string {
  return `/simulators/${id}`;
}

/** The configured providers, by id. */
export class ProviderRegistry {
  private readonly byId: Map<ProviderId, PaymentProvider>;

  constructor(providers: Iterable<PaymentProvider>) {
    this.byId = new Map([...providers].map((provider) => [provider.id, provider]));
  }

  get ids(): ProviderId[] {
    return [...this.byId.keys()];
  }

  has(id: string): id is ProviderId {
    return this.byId.has(id as ProviderId);
  }

  get(id: ProviderId): PaymentProvider {
    const provider = this.byId.get(id);
    if (!provider) throw new AppError('invalid_request', `provider ${id} is not configured`);
    return provider;
  }
}
