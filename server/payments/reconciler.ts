import type { Logger } from '../logger.js';
import type { ProviderId } from '../providers/provider.js';
import type { PaymentRecord, Store } from '../store/store.js';
import type { PaymentService } from './payment-service.js';

/**
 * Asks the providers about payments that have waited a while without news (a lost callback, a
 * shopper who closed the tab, a create whose answer never came). Runs one pass at a time, and
 * with several instances each payment is claimed by one of them per round (Store.claimUnsettledPayments).
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
    // The database may be down for a while (a restart, a failover): the next pass tries again.
    const pass = () => this.reconcilePending().catch((error: unknown) => this.deps.logger.error({ err: error }, 'reconciliation pass failed; will try again'));
    this.timer = setInterval(() => void pass(), this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  /** One pass over unsettled payments quiet for a while; returns how many changed status. */
  reconcilePending(): Promise<number> {
    this.running ??= this.pass().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async pass(): Promise<number> {
    const now = Date.now();
    const quietSince = new Date(now - this.options.quietForMs).toISOString();
    // Claimed payments count as checked now: another instance's reconciler leaves them alone for
    // quietForMs, far longer than one provider lookup lasts.
    const payments = await this.deps.store.claimUnsettledPayments(quietSince, this.options.batchSize, new Date(now).toISOString());
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
