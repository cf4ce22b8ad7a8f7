import { defineProviderEnv, httpUrl, optionalText, requireTogether, withoutTrailingSlash } from '../env-helpers.js';

export interface MilkyPayCredentials {
  baseUrl: string;
  publicKey: string;
  /** HTTP Basic user of the private API; without it invoices go through the public API. */
  apiUser?: string;
  apiPassword?: string;
}

/** BASE_URL and PUBLIC_KEY switch MilkyPay from its simulator to the real service. */
export const milkypayEnv = defineProviderEnv({
  shape: {
    MILKYPAY_BASE_URL: httpUrl.optional(),
    MILKYPAY_PUBLIC_KEY: optionalText,
    MILKYPAY_API_USER: optionalText,
    MILKYPAY_API_PASSWORD: optionalText,
  },
  check(values, ctx) {
    requireTogether(values, ['MILKYPAY_BASE_URL', 'MILKYPAY_PUBLIC_KEY'], ctx);
    requireTogether(values, ['MILKYPAY_API_USER', 'MILKYPAY_API_PASSWORD'], ctx);
    if (values.MILKYPAY_API_USER && !values.MILKYPAY_PUBLIC_KEY) {
      ctx.addIssue({ code: 'custom', path: ['MILKYPAY_PUBLIC_KEY'], message: 'is required when MILKYPAY_API_USER is set (the pre-request uses it)' });
    }
  },
  read(values): MilkyPayCredentials | undefined {
    if (!values.MILKYPAY_BASE_URL || !values.MILKYPAY_PUBLIC_KEY) return undefined;
    return {
      baseUrl: withoutTrailingSlash(values.MILKYPAY_BASE_URL),
      publicKey: values.MILKYPAY_PUBLIC_KEY,
      apiUser: values.MILKYPAY_API_USER,
      apiPassword: values.MILKYPAY_API_PASSWORD,
    };
  },
});
