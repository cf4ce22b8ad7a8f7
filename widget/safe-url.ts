/**
 * Whether a URL from a payment action may be navigated to, framed or posted to. Actions come
 * from providers through the proxy; only http(s) is allowed so that a `javascript:` or `data:`
 * URL can never run in the merchant's page.
 */
export function isNavigableUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** The origin of a URL, or '' when it has none (file:, data:, malformed). */
export function originOf(url: string): string {
  try {
    const { protocol, origin } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? origin : '';
  } catch {
    return '';
  }
}
