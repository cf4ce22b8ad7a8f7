import { asRefusal, ProviderError } from '../errors.js';
import type { ProviderId } from './provider.js';

/**
 * Runs what an adapter does before it sends a call that moves money (a token read, a refund written
 * ahead). Whatever fails there, the call was not sent: an error the payment service reads as a
 * refusal is raised as it is; any other (a store's storage_unavailable, an unexpected error) becomes
 * provider_unavailable, "not sent, try again". Raised as it came, the service could not tell it from
 * a failure after sending, and would hold the call as possibly made.
 */
export async function beforeSending<T>(steps: () => Promise<T>, provider: ProviderId, notSent: string): Promise<T> {
  try {
    return await steps();
  } catch (error) {
    if (asRefusal(error)) throw error;
    throw new ProviderError('provider_unavailable', `${notSent} (${error instanceof Error ? error.message : String(error)})`, provider);
  }
}
