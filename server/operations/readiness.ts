import type { RequestHandler } from 'express';
import { ProviderError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ProviderId } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Store } from '../store/store.js';

/**
 * A provider's credentials as last seen: `ok` (an authenticated call passed), `refused` (the
 * provider said no: the instance is not ready), `unverified` (the provider did not answer: a
 * provider outage must not take every instance out of the load balancer, since the others and the
 * pages still work), `not_checked` (the adapter has no cheap authenticated call).
 */
export type CredentialsState = 'ok' | 'refused' | 'unverified' | 'not_checked';

export interface ReadinessReport {
  ready: boolean;
  shuttingDown?: true;
  database: 'ok' | 'unreachable';
  providers: Record<string, CredentialsState>;
}

export interface ReadinessOptions {
  store: Store;
  providers: ProviderRegistry;
  logger: Logger;
  /** How long a provider's answer is reused: probes every few seconds must not become provider traffic. */
  providerCheckMs?: number;
  /** How long the database may take to answer before it counts as unreachable. */
  databaseTimeoutMs?: number;
  now?: () => number;
}

/**
 * /readyz: whether this instance should receive traffic. Not ready while shutting down, when the
 * database does not answer, or when a provider refuses its credentials; the body says which.
 * /healthz stays the liveness probe (the process answers at all).
 */
export class Readiness {
  private shuttingDown = false;
  private readonly checked = new Map<ProviderId, { state: Promise<CredentialsState>; at: number }>();

  constructor(private readonly options: ReadinessOptions) {}

  /** From now on the instance reports not ready, so the load balancer stops sending it requests. */
  drain(): void {
    this.shuttingDown = true;
  }

  async report(): Promise<ReadinessReport> {
    const [database, providers] = await Promise.all([this.database(), this.providerStates()]);
    const ready = !this.shuttingDown && database === 'ok' && !Object.values(providers).includes('refused');
    return { ready, ...(this.shuttingDown ? { shuttingDown: true as const } : {}), database, providers };
  }

  handler(): RequestHandler {
    return (_req, res, next) => {
      this.report().then((report) => {
        res.status(report.ready ? 200 : 503).set('Cache-Control', 'no-store').json(report);
      }, next);
    };
  }

  private async database(): Promise<'ok' | 'unreachable'> {
    const timeoutMs = this.options.databaseTimeoutMs ?? 2_000;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.options.store.ping(), timeout]);
      return 'ok';
    } catch (error) {
      this.options.logger.warn({ err: error }, 'readiness: the database does not answer');
      return 'unreachable';
    } finally {
      clearTimeout(timer);
    }
  }

  private async providerStates(): Promise<Record<string, CredentialsState>> {
    const states = await Promise.all(this.options.providers.ids.map(async (id) => [id, await this.credentials(id)] as const));
    return Object.fromEntries(states);
  }

  private credentials(id: ProviderId): Promise<CredentialsState> {
    const now = (this.options.now ?? Date.now)();
    const last = this.checked.get(id);
    if (last && now - last.at < (this.options.providerCheckMs ?? 30_000)) return last.state;
    const state = this.checkProvider(id);
    this.checked.set(id, { state, at: now });
    return state;
  }

  private async checkProvider(id: ProviderId): Promise<CredentialsState> {
    const provider = this.options.providers.get(id);
    // A refusal the adapter already met (Payment Hub's refresh token) is known without a call.
    if (provider.credentialsStatus?.().ok === false) return 'refused';
    if (!provider.checkCredentials) return provider.credentialsStatus ? 'ok' : 'not_checked';
    try {
      await provider.checkCredentials();
      return 'ok';
    } catch (error) {
      const refused = error instanceof ProviderError && error.code === 'authentication_failed';
      this.options.logger.warn({ provider: id, err: error }, refused ? 'readiness: the provider refuses our credentials' : 'readiness: the provider did not answer');
      return refused ? 'refused' : 'unverified';
    }
  }
}
