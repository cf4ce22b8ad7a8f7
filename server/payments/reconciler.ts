import type { Logger } from '../logger.js';
import type { ProviderId } from '../providers/provider.js';
import type { PaymentRecord, Store } from '../store/store.js';
import type { PaymentService } from './payment-service.js';

/**
 * Asks the providers about payments that have waited a while without news (a lost callback, a
 * shopper who closed the tab, a create whose answer never came). Runs one pass at a time.
 */
export class Reconciler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly deps: { store: Store; payments: PaymentService; logger: Logger },
    private readonly options: { intervalMs: number; quietForMs: number; batchSize: number } = {
      intervalMs: 60_000,
      quietForMs: 60_000,
      batchSize: 50,
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.reconcilePending(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One pass over unsettled payments quiet for a while; returns how many changed status. */
  reconcilePending(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const quietSince = new Date(Date.now() - this.options.quietForMs).toISOString();
    const payments = await this.deps.store.listUnsettledPayments(quietSince, this.options.batchSize);
    let changed = 0;
    const single: PaymentRecord[] = [];
    const batches = new Map<ProviderId, PaymentRecord[]>();
    for (const payment of payments) {
      if (!this.deps.payments.canRefreshInBatch(payment.provider)) single.push(payment);
      else batches.set(payment.provider, [...(batches.get(payment.provider) ?? []), payment]);
    }
    // Providers with a batch lookup (Payment Hub's fetch-multiple) are asked once per pass.
    for (const [provider, group] of batches) {
      try {
        const updated = await this.deps.payments.refreshBatch(group, 'reconcile');
        changed += updated.filter((payment, index) => payment.status !== group[index]!.status).length;
      } catch (error) {
        this.deps.logger.warn({ provider, payments: group.length, err: error }, 'batch reconciliation lookup failed; will try again');
      }
    }
    for (const payment of single) {
      try {
        const updated = await this.deps.payments.refresh(payment, 'reconcile');
        if (updated.status !== payment.status) changed++;
      } catch (error) {
        this.deps.logger.warn({ paymentId: payment.id, err: error }, 'reconciliation lookup failed; will try again');
      }
    }
    if (changed > 0) this.deps.logger.info({ checked: payments.length, changed }, 'reconciled pending payments');
    return changed;
  }
}
