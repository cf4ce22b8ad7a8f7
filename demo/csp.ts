/**
 * The Content-Security-Policy of the demo shop's pages: the strict one the integration guide
 * gives merchants. The element itself needs only the first three lines: its script and its API
 * calls from the proxy, and frames from the proxy (3-D Secure, framed return pages) and from the
 * providers' hosted pages. No 'unsafe-inline' or 'unsafe-eval' anywhere: the element's styles are
 * adopted stylesheets, which a policy does not govern. The rest is the shop's own: its stylesheet,
 * its images, its forms (and a provider's hosted page that is reached by a form post), and where
 * the browser reports a violation.
 */
export function checkoutPagePolicy(options: { proxyOrigin: string; providerPageOrigins?: readonly string[]; reportUri?: string }): string {
  const proxy = options.proxyOrigin;
  const pages = [...new Set(options.providerPageOrigins ?? [])].filter((origin) => origin !== proxy);
  return [
    `script-src ${proxy}`,
    `connect-src ${proxy}`,
    `frame-src ${[proxy, ...pages].join(' ')}`,
    "default-src 'none'",
    "style-src 'self'",
    `img-src 'self' ${proxy} data:`,
    `form-action 'self' ${[proxy, ...pages].join(' ')}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
    ...(options.reportUri ? [`report-uri ${options.reportUri}`] : []),
  ].join('; ');
}
