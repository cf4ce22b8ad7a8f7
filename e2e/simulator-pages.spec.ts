import { expect, test, type APIRequestContext, type Page } from '@playwright/test';

/**
 * The simulators' own pages (hosted payment pages, payment links, 3-D Secure) fit a phone: no
 * sideways scrolling at 360 px, and no field sticks out of its card at any width.
 */

const SCREENS = 'test-results/screens';

interface Action {
  type: 'redirect' | 'iframe' | 'form' | 'html';
  url?: string;
  action?: string;
  method?: string;
  fields?: Record<string, string>;
}

/** The first action page of each method of a session of `provider`, as the widget API answers it. */
async function actionsOf(request: APIRequestContext, baseURL: string, provider: string, amount: string, currency: string) {
  const created = await request.post('/api/sessions', {
    headers: { authorization: `Bearer ${process.env.E2E_MERCHANT_API_KEY}` },
    data: { orderId: `sim-page-${provider}-${Date.now()}`, amount, currency, provider, returnUrl: `${baseURL}/done` },
  });
  expect(created.status()).toBe(201);
  const { token } = (await created.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, origin: baseURL };
  const checkout = (await (await request.get('/api/checkout', { headers })).json()) as {
    methods: { id: string; cardEntry?: boolean; fields: { required?: boolean }[] }[];
  };
  const actions: { methodId: string; action: Action }[] = [];
  for (const method of checkout.methods.filter((candidate) => !candidate.fields.some((field) => field.required))) {
    const paid = await request.post('/api/checkout/payments', {
      headers: { ...headers, 'idempotency-key': `${method.id}-${Date.now()}` },
      data: { methodId: method.id, fields: {}, ...(method.cardEntry && { card: TEST_CARD }) },
    });
    const { payment } = (await paid.json()) as { payment?: { action?: Action } };
    if (payment?.action && payment.action.type !== 'html') actions.push({ methodId: method.id, action: payment.action });
  }
  return actions;
}

/** Opens an action's page top-level, as the element would (a form is posted). */
async function open(page: Page, action: Action): Promise<void> {
  if (action.type === 'form') {
    await page.setContent('<form></form>');
    await page.evaluate(({ target, method, fields }) => {
      const form = document.querySelector('form')!;
      form.action = target;
      form.method = method;
      for (const [name, value] of Object.entries(fields)) form.append(Object.assign(document.createElement('input'), { type: 'hidden', name, value }));
      form.submit();
    }, { target: action.action!, method: action.method ?? 'POST', fields: action.fields ?? {} });
    await page.waitForLoadState('load');
  } else {
    await page.goto(action.url!);
  }
}

const TEST_CARD = { number: '4111111111111111', expiryMonth: '12', expiryYear: '30', securityCode: '123', holderName: 'Ada Lovelace' };

const PROVIDERS = [
  { provider: 'milkypay', amount: '48.00', currency: 'USD' },
  { provider: 'paymenthub', amount: '150000', currency: 'IDR' },
  { provider: 'directcard', amount: '1000.00', currency: 'TRY' },
  { provider: 'hankopay', amount: '35.00', currency: 'USD' },
  { provider: 'hpay', amount: '18.00', currency: 'CAD' },
];

for (const { provider, amount, currency } of PROVIDERS) {
  test(`${provider}'s simulator pages fit 360 px and keep their fields inside their card`, async ({ page, request, baseURL }) => {
    const actions = await actionsOf(request, baseURL!, provider, amount, currency);
    expect(actions.length, `${provider} offers a method with a page`).toBeGreaterThan(0);
    for (const [index, { methodId, action }] of actions.entries()) {
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 800 });
        await open(page, action);
        const layout = await page.evaluate(() => {
          const card = document.querySelector('main')!.getBoundingClientRect();
          const outside = [...document.querySelectorAll('main input:not([type="hidden"]), main select, main button')]
            .map((element) => element.getBoundingClientRect())
            .filter((box) => box.width > 0 && (box.left < card.left || box.right > card.right)).length;
          return { scrollWidth: document.documentElement.scrollWidth, innerWidth, outside };
        });
        expect(layout.scrollWidth, `${methodId} at ${width} px`).toBeLessThanOrEqual(layout.innerWidth);
        expect(layout.outside, `${methodId} at ${width} px: fields outside the card`).toBe(0);
        await page.screenshot({ path: `${SCREENS}/simulator-${provider}-${index}-${width}.png`, fullPage: true });
      }
    }
  });
}
