// Shows the element's events, as a merchant's developer would wire them.
const log = document.getElementById('event-log');
for (const type of ['pay-ready', 'pay-method-select', 'pay-complete', 'pay-error']) {
  document.addEventListener(type, (event) => {
    if (!log) return;
    const item = document.createElement('li');
    item.textContent = `${type} ${JSON.stringify(event.detail ?? {})}`;
    log.append(item);
  });
}

// The theme switch: light and dark force the element's `theme`; "brand" is the light theme
// restyled by the shop's own custom properties (shop.css). It starts at the shopper's preference.
const switcher = document.querySelector('.theme-switch');
function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  for (const element of document.querySelectorAll('pay-checkout')) element.setAttribute('theme', theme === 'dark' ? 'dark' : 'light');
  const input = switcher?.querySelector(`input[value="${theme}"]`);
  if (input) input.checked = true;
}
if (switcher) {
  applyTheme(matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light');
  switcher.addEventListener('change', (event) => applyTheme(event.target.value));
}

// Session renewal (docs/integration.md, section 6): a minute before the token ends, the shop's
// backend opens a new session for the same order and the page hands the element its token, so
// the shopper keeps what they typed. Without it the element says the checkout expired.
document.addEventListener('pay-session-expiring', async (event) => {
  const checkout = event.target;
  const orderId = checkout?.dataset?.orderId;
  if (!orderId) return;
  try {
    const response = await fetch(`/checkout/${encodeURIComponent(orderId)}/session`, { method: 'POST' });
    // A paid order, or the proxy away: the element shows that the checkout expired.
    if (!response.ok) return;
    const { token } = await response.json();
    if (token && token !== checkout.getAttribute('session')) checkout.setAttribute('session', token);
  } catch {
    // No answer: as above.
  }
});
