import { isStorageUnavailable } from '../errors.js';

export interface RetryWhileUnavailableOptions {
  /** The first retry's delay; each further one doubles, up to `maxDelayMs`. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** How long to keep trying: longer than a database failover. */
  forMs?: number;
}

/**
 * Makes a write that must not be forgotten (a refund that may have been made, a key to free) now
 * and, while the database is unavailable, again in the background: 1 s, 2 s, 4 s... at most 30 s
 * apart, for 15 minutes by default. Resolves after the first try and never rejects; `onGiveUp`
 * hears of a failure that is not an outage, or of an outage that outlasted the time given.
 */
export async function retryWhileUnavailable(write: () => Promise<unknown>, onGiveUp: (error: unknown) => void, options: RetryWhileUnavailableOptions = {}): Promise<void> {
  const { firstDelayMs = 1_000, maxDelayMs = 30_000, forMs = 15 * 60_000 } = options;
  const deadline = Date.now() + forMs;
  const attempt = async (delayMs: number): Promise<void> => {
    try {
      await write();
    } catch (error) {
      if (!isStorageUnavailable(error) || Date.now() + delayMs > deadline) {
        onGiveUp(error);
        return;
      }
      setTimeout(() => void attempt(Math.min(delayMs * 2, maxDelayMs)), delayMs).unref();
    }
  };
  await attempt(firstDelayMs);
}
