import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Watches the session's expiry for `<pay-checkout>`: warns `WARN_BEFORE_MS` before it (so the
 * merchant's page can fetch a new token in time) and marks the session expired at the moment
 * itself, so the element shows that instead of calls that would fail. A new expiry (a new
 * token) starts over; a date in the past is expired at once.
 */

export const WARN_BEFORE_MS = 60_000;

export interface SessionExpiryCallbacks {
  /** The session ends at `expiresAt` (ISO 8601), `secondsLeft` from now. Once per expiry watched. */
  onExpiring(expiresAt: string, secondsLeft: number): void;
}

export class SessionExpiryController implements ReactiveController {
  expired = false;
  private readonly host: ReactiveControllerHost;
  private readonly callbacks: SessionExpiryCallbacks;
  private expiresAt: string | undefined;
  private timers: ReturnType<typeof setTimeout>[] = [];

  constructor(host: ReactiveControllerHost, callbacks: SessionExpiryCallbacks) {
    this.host = host;
    this.callbacks = callbacks;
    host.addController(this);
  }

  /** Watches `expiresAt`; the same date again changes nothing, undefined stops watching. */
  watch(expiresAt: string | undefined): void {
    if (expiresAt === this.expiresAt) return;
    this.expiresAt = expiresAt;
    this.clear();
    this.expired = false;
    this.schedule();
  }

  hostConnected(): void {
    this.schedule();
  }

  hostDisconnected(): void {
    this.clear();
  }

  private schedule(): void {
    const expiresAt = this.expiresAt;
    const end = expiresAt === undefined ? NaN : Date.parse(expiresAt);
    if (Number.isNaN(end) || this.timers.length > 0) return;
    const left = end - Date.now();
    if (left <= 0) {
      this.expire();
      return;
    }
    // setTimeout holds at most ~24.8 days; a session is minutes, at most a day.
    this.timers.push(
      setTimeout(() => this.callbacks.onExpiring(expiresAt!, Math.max(0, Math.round((end - Date.now()) / 1000))), Math.max(0, left - WARN_BEFORE_MS)),
      setTimeout(() => this.expire(), left),
    );
  }

  private expire(): void {
    this.expired = true;
    this.host.requestUpdate();
  }

  private clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }
}
