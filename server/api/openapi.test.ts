import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { loadConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { errorSchema, transactionPageSchema } from './openapi.js';
import { ProviderRegistry } from '../providers/registry.js';
import type { PaymentProvider, ProviderTransactionPage } from '../providers/provider.js';
import { createSessionTokens } from '../sessions/session-token.js';
import { loadSigningKey } from '../sessions/signing-key.js';
import { SqliteStore } from '../store/sqlite-store.js';

/**
 * /api/openapi.json must describe every merchant route. The routes are found in the app itself
 * (every route of every mounted router), and a route is the merchant's when it answers 401
 * without the merchant key; so a route added later without its OpenAPI entry fails here.
 */

let dir: string;
let store: SqliteStore;
let app: Awaited<ReturnType<typeof build>>;

async function build() {
  dir = mkdtempSync(join(tmpdir(), 'pay-openapi-'));
  const config = loadConfig({ DATA_DIR: dir, MERCHANT_API_KEY: 'sk_test_openapi_key_123', PUBLIC_URL: 'https://pay.example.com' });
  store = SqliteStore.open(join(dir, 'db.sqlite'));
  const tokens = createSessionTokens(await loadSigningKey({ dataDir: dir }), config.publicUrl);
  return createApp({ config, store, tokens, providers: new ProviderRegistry([listingProvider]), logger: createLogger({ level: 'silent' }), merchantApiKey: 'sk_test_openapi_key_123', sdkDir: dir, cardEntryDir: dir }).app;
}

const KEY = 'sk_test_openapi_key_123';

/** A provider whose transaction list has one full and one bare entry, as HankoPay's can. */
const transactionsPage: ProviderTransactionPage = {
  transactions: [
    { providerRef: 'tx_1', paymentId: 'pay_1', status: 'succeeded', providerStatus: 'success', amount: 4800, currency: 'USD', createdAt: '2026-01-02T03:04:05Z' },
    { providerRef: 'tx_2', status: 'pending' },
  ],
  page: 1,
  limit: 2,
  total: 2,
  pages: 1,
};
const listingProvider = {
  id: 'hankopay',
  capabilities: {},
  listTransactions: async () => transactionsPage,
} as unknown as PaymentProvider;

type Doc = { paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, any> }>> };

/** A real answer must be one the document lists for that operation, with the documented error shape. */
function expectDocumented(doc: Doc, method: string, path: string, response: { status: number; body: unknown }) {
  const documented = doc.paths[path]?.[method]?.responses[String(response.status)];
  expect(documented, `${method.toUpperCase()} ${path} answered ${response.status}, which the document does not list`).toBeDefined();
  if (response.status >= 400) expect(errorSchema.safeParse(response.body).success, JSON.stringify(response.body)).toBe(true);
  expect(documented.content['application/json'].schema).toBeDefined();
}

interface Layer {
  rawPath?: string;
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** [method, full path] of every route of every router mounted on the app, at any depth. */
function routes(stack = (app as unknown as { router: { stack: Layer[] } }).router.stack, prefix = ''): [string, string][] {
  return stack.flatMap((layer): [string, string][] => {
    if (layer.route) {
      const full = `${prefix}${layer.route.path === '/' ? '' : layer.route.path}`;
      return Object.keys(layer.route.methods)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method): [string, string] => [method, full || '/']);
    }
    const mountPath = layer.rawPath === undefined || layer.rawPath === '/' ? '' : layer.rawPath;
    return layer.handle?.stack ? routes(layer.handle.stack, `${prefix}${mountPath}`) : [];
  });
}

beforeAll(async () => {
  app = await build();
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with the request schemas the routes validate with', async () => {
    const response = await request(app).get('/api/openapi.json');
    expect(response.status).toBe(200);
    const doc = response.body as { openapi: string; servers: { url: string }[]; paths: Record<string, any> };
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: 'https://pay.example.com' }]);
    const session = doc.paths['/api/sessions'].post.requestBody.content['application/json'].schema;
    expect(session.required).toEqual(expect.arrayContaining(['orderId', 'amount', 'currency', 'returnUrl']));
    expect(session.properties.captureMethod.enum).toEqual(['automatic', 'manual']);
    expect(session.additionalProperties).toBe(false);
    expect(doc.paths['/api/payments/{id}/refund'].post.requestBody.content['application/json'].schema.required).toEqual(['reason']);
  });

  it('has every route behind the merchant key, and nothing else', async () => {
    const doc = (await request(app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const merchant: string[] = [];
    for (const [method, path] of routes()) {
      const probe = await (request(app) as any)[method](path.replace(/:(\w+)/g, 'probe'));
      if (probe.status !== 401 || probe.body?.error?.code !== 'unauthorized' || !/merchant API key/.test(probe.body.error.message)) continue;
      merchant.push(`${method.toUpperCase()} ${path}`);
      expect(doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method], `${method.toUpperCase()} ${path} is not in the OpenAPI document`).toBeDefined();
    }
    expect(merchant.length).toBeGreaterThanOrEqual(10);
    const documented = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`));
    expect(documented.sort()).toEqual(merchant.sort());
  });
});

describe('the document agrees with real answers', () => {
  let doc: Doc;
  beforeAll(async () => {
    doc = (await request(app).get('/api/openapi.json')).body as Doc;
  });

  it('describes the provider transaction page the route really answers', async () => {
    const response = await request(app).get('/api/providers/hankopay/transactions?page=1&limit=2').set('Authorization', `Bearer ${KEY}`);
    expect(response.status).toBe(200);
    expectDocumented(doc, 'get', '/api/providers/{provider}/transactions', response);
    expect(transactionPageSchema.strict().safeParse(response.body).error).toBeUndefined();
    expect(transactionPageSchema.shape.transactions.element.strict().safeParse(response.body.transactions[0]).error).toBeUndefined();
    const schema = doc.paths['/api/providers/{provider}/transactions']!.get!.responses['200'].content['application/json'].schema;
    expect(schema.required).toEqual(expect.arrayContaining(Object.keys(response.body).filter((key) => key !== 'total' && key !== 'pages')));
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(response.body).sort());
  });

  it('gives every POST the Idempotency-Key header and its success the Idempotent-Replayed header', () => {
    const posts = Object.entries(doc.paths).flatMap(([path, operations]) => (operations.post ? [[path, operations.post] as const] : []));
    expect(posts.length).toBeGreaterThanOrEqual(5);
    for (const [path, post] of posts) {
      expect(post.parameters?.some((p) => p.in === 'header' && p.name === 'Idempotency-Key'), `${path}: Idempotency-Key`).toBe(true);
      const success = Object.entries(post.responses).filter(([status]) => status.startsWith('2'));
      expect(success.length, path).toBeGreaterThan(0);
      for (const [status, answer] of success) expect(answer.headers?.['Idempotent-Replayed'], `${path} ${status}`).toBeDefined();
    }
  });

  it('lists the 409 of a reused Idempotency-Key, the 415 of a form and the 413 of a large body', async () => {
    const post = (body: unknown) => request(app).post('/api/sessions').set('Authorization', `Bearer ${KEY}`).set('Idempotency-Key', 'openapi-reuse').send(body as object);
    await post({ orderId: 'o-1' });
    const reused = await post({ orderId: 'o-2' });
    expect(reused.status).toBe(409);
    expectDocumented(doc, 'post', '/api/sessions', reused);

    const form = await request(app).post('/api/sessions').set('Authorization', `Bearer ${KEY}`).type('form').send('orderId=o&amount=1');
    expect(form.status).toBe(415);
    expectDocumented(doc, 'post', '/api/sessions', form);

    const large = await request(app).post('/api/payouts').set('Authorization', `Bearer ${KEY}`).send({ beneficiary: 'x'.repeat(40_000) });
    expect(large.status).toBe(413);
    expectDocumented(doc, 'post', '/api/payouts', large);
  });
});
