import { outboundFetch } from '../http/outbound-fetch.js';
import type { Logger } from '../logger.js';
import type { OutboxMessage, Store } from '../store/store.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './verify-webhook.js';

export interface WebhookDispatcherOptions {
  url: string;
  secret: string;
  /** The secret being rotated out: while set, every delivery also carries a `v1` by it. */
  previousSecret?: string;
  /** How often the outbox is looked at when idle. */
  pollIntervalMs: number;
  /** How long one delivery may take before it counts as failed. */
  timeoutMs: number;
  /** The first retry's delay; each further one doubles, up to `maxDelayMs`, with jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
  batchSize: number;
}

export const DEFAULT_DISPATCHER_OPTIONS: Omit<WebhookDispatcherOptions, 'url' | 'secret'> = {
  pollIntervalMs: 1_000,
  timeoutMs: 10_000,
  baseDelayMs: 5_000,
  maxDelayMs: 3_600_000,
  batchSize: 20,
};

/**
 * Delivers the outbox to the merchant's backend until each message gets a 2xx. Messages are claimed
 * with a lease longer than a delivery's timeout, so after a crash (or with several proxies on one
 * database) a message is sent again only once its lease has ended: at least once, never lost.
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;
  private stopped = false;
  private readonly options: WebhookDispatcherOptions;
  private readonly secrets: readonly string[];

  constructor(
    private readonly deps: { store: Store; logger: Logger; fetch?: typeof fetch; random?: () => number },
    options: Pick<WebhookDispatcherOptions, 'url' | 'secret'> & Partial<WebhookDispatcherOptions>,
  ) {
    this.options = { ...DEFAULT_DISPATCHER_OPTIONS, ...options };
    this.secrets = this.options.previousSecret ? [this.options.secret, this.options.previousSecret] : [this.options.secret];
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      void this.dispatchDue()
        // The database may be down for a while (a restart, a failover): the next poll tries again.
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'merchant webhooks could not be read from the outbox; will try again'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollIntervalMs).unref();
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** Delivers every message due now, batch after batch; returns how many were acknowledged. */
  dispatchDue(): Promise<number> {
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** The delay before attempt `attempts + 1`: exponential, capped, with jitter in its upper half. */
  retryDelayMs(attempts: number): number {
    const ceiling = Math.min(this.options.maxDelayMs, this.options.baseDelayMs * 2 ** Math.min(30, Math.max(0, attempts - 1)));
    return Math.round(ceiling / 2 + (ceiling / 2) * (this.deps.random ?? Math.random)());
  }

  private async drain(): Promise<number> {
    let delivered = 0;
    for (;;) {
      const now = Date.now();
      // The lease outlasts a delivery, so no other dispatcher can send the message meanwhile.
      const batch = await this.deps.store.claimOutbox(new Date(now).toISOString(), this.options.batchSize, this.options.timeoutMs + 5_000);
      if (batch.length === 0) return delivered;
      const results = await Promise.all(batch.map((message) => this.deliver(message)));
      delivered += results.filter(Boolean).length;
      if (this.stopped) return delivered;
    }
  }

  private async deliver(message: OutboxMessage): Promise<boolean> {
    const timestamp = Math.floor(Date.now() / 1000);
    let problem: string;
    try {
      const response = await (this.deps.fetch ?? outboundFetch)(this.options.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'pay-checkout-webhooks/1',
          [WEBHOOK_SIGNATURE_HEADER]: signWebhook(this.secrets, message.body, timestamp),
        },
        body: message.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
        // A redirect is not an acknowledgement, and following it would post the event elsewhere.
        redirect: 'manual',
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) {
        await this.deps.store.markOutboxDelivered(message.id, new Date().toISOString());
        this.deps.logger.info({ eventId: message.id, type: message.type, attempts: message.attempts }, 'merchant webhook delivered');
        return true;
      }
      problem = `HTTP ${response.status}`;
    } catch (error) {
      problem = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    const delayMs = this.retryDelayMs(message.attempts);
    await this.deps.store.markOutboxFailed(message.id, problem, new Date(Date.now() + delayMs).toISOString());
    this.deps.logger.warn({ eventId: message.id, type: message.type, attempts: message.attempts, retryInMs: delayMs, problem }, 'merchant webhook not acknowledged; will retry');
    return false;
  }
}
