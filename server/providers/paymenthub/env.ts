// Payment Hub's environment slice; the adapter, simulator and setup sit beside it.
import { defineProviderEnv, httpUrl, optionalText, requireTogether, withoutTrailingSlash } from '../env-helpers.js';

export interface PaymentHubCredentials {
  baseUrl: string;
  /** Seeds the token pair; Payment Hub rotates both on every reset, so the adapter must keep the newest. */
  refreshToken: string;
  /** The merchant's payment gateway id sent as `payment_vendor`; the adapter can also pick from the gateway list. */
  paymentVendor?: string;
}

/** BASE_URL and REFRESH_TOKEN switch Payment Hub from its simulator to the real service. */
export const paymenthubEnv = defineProviderEnv({
  shape: {
    PAYMENTHUB_BASE_URL: httpUrl.optional(),
    PAYMENTHUB_REFRESH_TOKEN: optionalText,
    PAYMENTHUB_PAYMENT_VENDOR: optionalText,
  },
  check(values, ctx) {
    requireTogether(values, ['PAYMENTHUB_BASE_URL', 'PAYMENTHUB_REFRESH_TOKEN'], ctx);
  },
  read(values): PaymentHubCredentials | undefined {
    if (!values.PAYMENTHUB_BASE_URL || !values.PAYMENTHUB_REFRESH_TOKEN) return undefined;
    return {
      baseUrl: withoutTrailingSlash(values.PAYMENTHUB_BASE_URL),
      refreshToken: values.PAYMENTHUB_REFRESH_TOKEN,
      paymentVendor: values.PAYMENTHUB_PAYMENT_VENDOR,
    };
  },
});
