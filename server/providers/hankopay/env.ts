import { defineProviderEnv, httpUrl, optionalText, requireTogether, withoutTrailingSlash } from '../env-helpers.js';

export interface HankoPayCredentials {
  baseUrl: string;
  /** The merchant API key, sent as the Bearer token. */
  apiKey: string;
}

/** BASE_URL and API_KEY switch HankoPay from its simulator to the real service. */
export const hankopayEnv = defineProviderEnv({
  shape: {
    HANKOPAY_BASE_URL: httpUrl.optional(),
    HANKOPAY_API_KEY: optionalText,
  },
  check(values, ctx) {
    requireTogether(values, ['HANKOPAY_BASE_URL', 'HANKOPAY_API_KEY'], ctx);
  },
  read(values): HankoPayCredentials | undefined {
    if (!values.HANKOPAY_BASE_URL || !values.HANKOPAY_API_KEY) return undefined;
    return { baseUrl: withoutTrailingSlash(values.HANKOPAY_BASE_URL), apiKey: values.HANKOPAY_API_KEY };
  },
});
