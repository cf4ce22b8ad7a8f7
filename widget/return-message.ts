import type { ReturnMessage } from '../server/api/widget-api.js';

/** The parts of a `MessageEvent` the filter reads, so it can be tested without a browser. */
export interface MessageLike {
  origin: string;
  source: unknown;
  data: unknown;
}

/**
 * Whether a `message` event is the proxy's return page telling us that the framed step of
 * `paymentId` is over. Any page can post to our window, so three things must hold: it comes
 * from the proxy's origin, from the very frame we opened (not another frame of that origin),
 * and it names the payment we are waiting for. The message only triggers a status check; the
 * status itself is always fetched from the proxy.
 */
export function isReturnMessage(
  event: MessageLike,
  expectedOrigin: string,
  expectedSource: unknown,
  paymentId: string,
): event is MessageLike & { data: ReturnMessage } {
  if (!expectedOrigin || event.origin !== expectedOrigin) return false;
  if (expectedSource === null || expectedSource === undefined || event.source !== expectedSource) return false;
  const data = event.data;
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { type?: unknown }).type === 'pay-checkout:return' &&
    (data as { paymentId?: unknown }).paymentId === paymentId
  );
}
