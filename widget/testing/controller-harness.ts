import type { ReactiveController } from 'lit';
import type { CheckoutView, MethodView, PaymentView } from '../../server/api/widget-api.js';
import { CheckoutController } from '../checkout-controller.js';

/**
 * What the controller tests share: a stand-in for the element (the host) and for the proxy (a
 * fetch answering by method and path). Imported by tests only.
 */

/** Just enough of a LitElement for the controller: events, requestUpdate, isConnected. */
export class FakeHost extends EventTarget {
  isConnected = true;
  renderRoot = {} as DocumentFragment;
  updates = 0;
  controllers: ReactiveController[] = [];
  addController(controller: ReactiveController) {
    this.controllers.push(controller);
  }
  removeController() {}
  requestUpdate() {
    this.updates += 1;
  }
  get updateComplete() {
    return Promise.resolve(true);
  }
  events: { type: string; detail: unknown }[] = [];
  override dispatchEvent(event: Event): boolean {
    this.events.push({ type: event.type, detail: (event as Event & { detail?: unknown }).detail });
    return super.dispatchEvent(event);
  }
}

const simulatorCard: MethodView = { id: 'sim:card', name: 'Card', category: 'card', fields: [] };

export const checkoutView = (payment?: PaymentView, methods: MethodView[] = [simulatorCard]): CheckoutView => ({
  session: {
    id: 's1',
    orderId: 'o1',
    amount: 1250,
    currency: 'USD',
    currencyExponent: 2,
    locale: 'en-US',
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  },
  methods,
  ...(payment && { payment }),
});

export const payment = (status: PaymentView['status'], extra: Partial<PaymentView> = {}): PaymentView => ({
  id: 'pay_1',
  status,
  amount: 1250,
  currency: 'USD',
  ...extra,
});

export type Route = (init: RequestInit) => Response | Promise<Response>;

export function fakeProxy(routes: Record<string, Route | Route[]>) {
  const calls: { key: string; init: RequestInit }[] = [];
  const urls: string[] = [];
  const fetch = (async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    urls.push(url.href);
    const key = `${init.method ?? 'GET'} ${url.pathname}`;
    calls.push({ key, init });
    const route = routes[key];
    const handler = Array.isArray(route) ? (route.length > 1 ? route.shift() : route[0]) : route;
    if (!handler) return new Response(JSON.stringify({ error: { code: 'not_found', message: key } }), { status: 404 });
    return handler(init);
  }) as typeof globalThis.fetch;
  return { calls, urls, fetch };
}

export const json = (body: unknown, status = 200): Route => () => new Response(JSON.stringify(body), { status });
export const offline: Route = () => Promise.reject(new TypeError('Failed to fetch'));

export function setUp(routes: Record<string, Route | Route[]>) {
  const host = new FakeHost();
  const proxy = fakeProxy(routes);
  const controller = new CheckoutController(host as unknown as ConstructorParameters<typeof CheckoutController>[0], {
    frameWindow: () => null,
    fetch: proxy.fetch,
  });
  return { host, proxy, controller };
}

export const idempotencyKeys = (calls: { key: string; init: RequestInit }[]) =>
  calls
    .filter((call) => call.key === 'POST /api/checkout/payments')
    .map((call) => (call.init.headers as Record<string, string>)['Idempotency-Key']);
