import { ProviderError } from '../errors.js';

/**
 * Retries a read at a provider (a status lookup) that found the provider unavailable, after
 * 1, 2, 4... times `baseDelayMs`, each with jitter. Reads change nothing, so a retry is safe; calls
 * that may move money are never retried this way (their outcome is looked up instead).
 */
export async function retryRead<T>(read: () => Promise<T>, options: { attempts?: number; baseDelayMs?: number } = {}): Promise<T> {
  const attempts = options.attempts ?? 3;
  const baseDelayMs = options.baseDelayMs ?? 150;
  for (let attempt = 1; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      const transient = error instanceof ProviderError && error.code === 'provider_unavailable';
      if (!transient || attempt >= attempts) throw error;
      const ceiling = baseDelayMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}
