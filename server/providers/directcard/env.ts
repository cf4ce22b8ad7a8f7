import { defineProviderEnv, httpUrl, optionalText, requireTogether, withoutTrailingSlash } from '../env-helpers.js';

export interface DirectCardCredentials {
  baseUrl: string;
  /** Sent as X-API-KEY and X-API-SECRET on every request. */
  apiKey: string;
  apiSecret: string;
}

/** BASE_URL, API_KEY and API_SECRET together switch directcard from its simulator to the real service. */
export const directcardEnv = defineProviderEnv({
  shape: {
    DIRECTCARD_BASE_URL: httpUrl.optional(),
    DIRECTCARD_API_KEY: optionalText,
    DIRECTCARD_API_SECRET: optionalText,
  },
  check(values, ctx) {
    requireTogether(values, ['DIRECTCARD_BASE_URL', 'DIRECTCARD_API_KEY', 'DIRECTCARD_API_SECRET'], ctx);
  },
  read(values): DirectCardCredentials | undefined {
    if (!values.DIRECTCARD_BASE_URL || !values.DIRECTCARD_API_KEY || !values.DIRECTCARD_API_SECRET) return undefined;
    return {
      baseUrl: withoutTrailingSlash(values.DIRECTCARD_BASE_URL),
      apiKey: values.DIRECTCARD_API_KEY,
      apiSecret: values.DIRECTCARD_API_SECRET,
    };
  },
});
