import { z } from 'zod';
import { defineProviderEnv, httpUrl, optionalText, requireTogether, withoutTrailingSlash } from '../env-helpers.js';

export interface HpayCredentials {
  baseUrl: string;
  /** The three keys `getToken` takes (api_key, api_public_key, api_secret_key). */
  apiKey: string;
  publicKey: string;
  secretKey: string;
  /** HPAY takes the mode in the body of getToken and of each payment rather than from the host. */
  mode: 'TEST' | 'PROD';
}

/** BASE_URL and the three keys together switch HPAY from its simulator to the real service. */
export const hpayEnv = defineProviderEnv({
  shape: {
    HPAY_BASE_URL: httpUrl.optional(),
    HPAY_API_KEY: optionalText,
    HPAY_PUBLIC_KEY: optionalText,
    HPAY_SECRET_KEY: optionalText,
    HPAY_MODE: z.enum(['TEST', 'PROD'], { message: 'must be TEST or PROD' }).default('TEST'),
  },
  check(values, ctx) {
    requireTogether(values, ['HPAY_BASE_URL', 'HPAY_API_KEY', 'HPAY_PUBLIC_KEY', 'HPAY_SECRET_KEY'], ctx);
  },
  read(values): HpayCredentials | undefined {
    if (!values.HPAY_BASE_URL || !values.HPAY_API_KEY || !values.HPAY_PUBLIC_KEY || !values.HPAY_SECRET_KEY) return undefined;
    return {
      baseUrl: withoutTrailingSlash(values.HPAY_BASE_URL),
      apiKey: values.HPAY_API_KEY,
      publicKey: values.HPAY_PUBLIC_KEY,
      secretKey: values.HPAY_SECRET_KEY,
      mode: values.HPAY_MODE,
    };
  },
});
