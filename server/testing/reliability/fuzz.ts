import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UnsecuredJWT } from 'jose';
import { MERCHANT_KEY, SHOP_ORIGIN, startProxy } from '../proxy-harness.js';
import { timed, type ScenarioResult } from './result.js';
import { inBatches, openSession, widget } from './shop.js';

/**
 * Fuzz: random and malformed requests on every route of the proxy: mutated valid bodies, random
 * JSON, broken JSON, bytes, wrong content types, huge values, random headers and tokens (valid,
 * foreign, unsigned, garbage), random ids and paths. Seeded, so a failure can be replayed. Counts
 * 5xx answers and crashes (uncaught errors in the process, or the proxy no longer answering).
 */
export function fuzz(options: { requests: number; seed: number; artifactsDir: string }): Promise<ScenarioResult> {
  return timed(async () => {
    mkdirSync(options.artifactsDir, { recursive: true });
    const logs = createWriteStream(join(options.artifactsDir, 'fuzz-proxy.log'));
    const sdkDir = join(options.artifactsDir, 'fuzz-sdk');
    mkdirSync(sdkDir, { recursive: true });
    writeFileSync(join(sdkDir, 'pay-checkout.js'), 'export {};\n');
    const proxy = await startProxy({ env: { RATE_LIMIT_PER_IP: '0', RATE_LIMIT_PER_SESSION: '0' }, logs, sdkDir });
    let crashes = 0;
    const onCrash = () => void crashes++;
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    try {
      const random = mulberry32(options.seed);
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
      const sessions = await Promise.all(['milkypay', 'hankopay', 'directcard'].map((provider) =>
        openSession(proxy.url, { amount: provider === 'directcard' ? '100.00' : '20.00', currency: provider === 'directcard' ? 'TRY' : 'USD', provider })));
      const paid = await widget(proxy.url, 'POST', '/api/checkout/payments', sessions[0]!.token, { key: 'seed', body: { methodId: 'milkypay:payment_card_usd_hpp' } });
      const paymentIds = [paid.body.payment.id as string, 'pay_unknown', '../../etc/passwd', '%00', 'x'.repeat(3000), '💳', ''];
      const unsigned = new UnsecuredJWT({}).setSubject(sessions[0]!.sessionId).setAudience('pay-checkout:widget').setIssuer(proxy.url).setExpirationTime('10m').encode();
      const tokens = [...sessions.map((s) => s.token), unsigned, 'garbage', `${sessions[0]!.token}x`, 'a.b.c', 'x'.repeat(5000), ''];

      const routes: [string, () => string][] = [
        ['POST', () => '/api/sessions'],
        ['GET', () => `/api/payments/${pick(paymentIds)}`],
        ['GET', () => `/api/payments?orderId=${encodeURIComponent(randomString(random, 40))}`],
        ['POST', () => `/api/payments/${pick(paymentIds)}/${pick(['refund', 'capture', 'cancel'])}`],
        ['GET', () => `/api/payments/${pick(paymentIds)}/details`],
        ['GET', () => `/api/providers/${pick(['milkypay', 'hankopay', 'hpay', 'directcard', 'nope', '__proto__'])}/${pick(['transactions', 'balance'])}?page=${pick(['1', '-1', 'x', '1e9', ''])}&limit=${pick(['5', '0', '1000', 'abc'])}`],
        ['POST', () => '/api/payouts'],
        ['GET', () => `/api/checkout?locale=${encodeURIComponent(pick(['en', 'xx', '', '../', 'a'.repeat(300)]))}`],
        ['POST', () => '/api/checkout/payments'],
        ['POST', () => '/api/checkout/installments'],
        ['GET', () => `/api/checkout/payments/${pick(paymentIds)}`],
        ['GET', () => `/api/checkout/challenge/${encodeURIComponent(randomString(random, 20))}${pick(['', '/content'])}`],
        ['POST', () => `/api/checkout/3ds/${pick(paymentIds)}`],
        [pick(['GET', 'POST']), () => `/api/checkout/return/${pick(paymentIds)}?outcome=${pick(['success', 'fail', 'x'])}`],
        ['POST', () => `/api/callbacks/${pick(['milkypay', 'hankopay', 'hpay', 'directcard', 'nope'])}/${pick(paymentIds)}`],
        ['POST', () => `/api/callbacks/${pick(['milkypay', 'hankopay', 'hpay'])}`],
        ['GET', () => pick(['/sdk/pay-checkout.js', '/sdk/../package.json', '/healthz', '/', `/${randomString(random, 30)}`])],
      ];

      const statuses = new Map<number, number>();
      const fivexx: string[] = [];
      const requests = Array.from({ length: options.requests }, () => {
        const [routeMethod, path] = pick(routes);
        const method = random() < 0.1 ? pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']) : routeMethod;
        const headers: Record<string, string> = {};
        const auth = random();
        if (auth < 0.35) headers.authorization = `Bearer ${MERCHANT_KEY}`;
        else if (auth < 0.75) headers.authorization = `Bearer ${pick(tokens)}`;
        else if (auth < 0.85) headers.authorization = pick(['Basic eDp5', 'Bearer', `Bearer ${headerString(random, 100)}`, 'x'.repeat(6000)]);
        if (random() < 0.7) headers.origin = pick([SHOP_ORIGIN, 'https://other-shop.example', 'https://evil.example', 'null', headerString(random, 20)]);
        if (random() < 0.5) headers['idempotency-key'] = pick(['k1', 'k2', headerString(random, 30), 'x'.repeat(300), ' ']);
        if (random() < 0.1) headers['sec-fetch-site'] = pick(['cross-site', 'same-origin', 'none', 'weird']);
        const { body, contentType } = method === 'GET' || method === 'HEAD' ? { body: undefined, contentType: undefined } : randomBody(random, pick);
        if (contentType) headers['content-type'] = contentType;
        return { method, path: path(), headers, body };
      });
      await inBatches(requests, 16, async (request) => {
        let status = 0;
        try {
          const response = await fetch(`${proxy.url}${request.path}`, { method: request.method, headers: request.headers, body: request.body, redirect: 'manual' });
          status = response.status;
          await response.arrayBuffer();
        } catch (error) {
          status = -1;
          if (fivexx.length < 20) fivexx.push(`no answer: ${String((error as Error).cause ?? error).slice(0, 120)}`);
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        if (status >= 500 && fivexx.length < 20) fivexx.push(`${status} ${request.method} ${request.path.slice(0, 80)} ${String(request.body ?? '').slice(0, 80)}`);
      });
      const alive = await fetch(`${proxy.url}/healthz`).then((r) => r.ok, () => false);
      const serverErrors = [...statuses].filter(([status]) => status >= 500).reduce((sum, [, count]) => sum + count, 0);
      const noAnswer = statuses.get(-1) ?? 0;
      const byClass = [2, 3, 4].map((c) => `${[...statuses].filter(([s]) => Math.floor(s / 100) === c).reduce((sum, [, n]) => sum + n, 0)} ${c}xx`).join(', ');
      return {
        scenario: 'Fuzz',
        load: `${options.requests} random or malformed requests over ${routes.length} route shapes (bodies, headers, tokens, ids; seed ${options.seed})`,
        figures: `${serverErrors} answers 5xx, ${noAnswer} without an answer, ${crashes} crashes, proxy ${alive ? 'still answering' : 'DOWN'} (${byClass})`,
        passed: serverErrors === 0 && noAnswer === 0 && crashes === 0 && alive,
        problems: fivexx,
      };
    } finally {
      process.off('uncaughtException', onCrash);
      process.off('unhandledRejection', onCrash);
      await proxy.close();
      logs.end();
    }
  });
}

function randomBody(random: () => number, pick: <T>(items: readonly T[]) => T): { body?: string; contentType?: string } {
  const kind = random();
  if (kind < 0.45) return { body: JSON.stringify(mutate(pick(VALID_BODIES), random, pick)), contentType: 'application/json' };
  if (kind < 0.6) return { body: JSON.stringify(randomJson(random, pick, 0)), contentType: pick(['application/json', 'application/vnd.api+json']) };
  if (kind < 0.7) return { body: pick(['{', '{"a":', '[1,2', 'null', 'true', '"x"', '{"__proto__":{"admin":true}}', '{"constructor":{"prototype":{}}}', '\u0000\u0001']), contentType: 'application/json' };
  if (kind < 0.8) return { body: `a=${encodeURIComponent(randomString(random, 50))}&paymentId=${randomString(random, 10)}&securityKey=x&a[b][c]=d`, contentType: 'application/x-www-form-urlencoded' };
  if (kind < 0.9) return { body: Buffer.from(Array.from({ length: Math.floor(random() * 2000) }, () => Math.floor(random() * 256))).toString('latin1'), contentType: pick(['application/octet-stream', 'text/plain', 'application/xml', 'multipart/form-data']) };
  return { body: JSON.stringify({ pad: 'x'.repeat(Math.floor(random() * 100_000)) }), contentType: 'application/json' };
}

const VALID_BODIES: readonly Record<string, unknown>[] = [
  { orderId: 'order-1', amount: '48.00', currency: 'USD', returnUrl: 'https://shop.example/return', provider: 'milkypay', customer: { email: 'a@example.com' } },
  { methodId: 'milkypay:payment_card_usd_hpp', fields: {} },
  { methodId: 'hankopay:card', card: { number: '4242424242424242', expiryMonth: '12', expiryYear: '30', securityCode: '482', holderName: 'Ada Lovelace' } },
  { methodId: 'directcard:card', bin: '54211901' },
  { amount: '1.00', reason: 'returned' },
  { amount: '5.00' },
  { provider: 'hankopay', amount: '5.00', currency: 'EUR', beneficiary: { firstName: 'Grace' }, destination: { walletId: 'w1' } },
  { data: { id: 'cpi_1', attributes: { reference_id: 'pay_x', status: 'processed' } } },
  { transactionId: 'tx_1', orderId: 'pay_x', status: 'success', amount: 20, currency: 'USD' },
];

const ODD_VALUES: readonly unknown[] = [null, true, -1, 0, 1e309, 9007199254740993, '', ' ', 'NaN', '1e400', '-0.001', '99999999999999999999.99', [], {}, [[[]]], 'x'.repeat(20_000), '\u202e\u0000', { $gt: '' }, '__proto__'];

function mutate(body: Record<string, unknown>, random: () => number, pick: <T>(items: readonly T[]) => T): unknown {
  const copy: Record<string, unknown> = JSON.parse(JSON.stringify(body));
  const keys = Object.keys(copy);
  for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
    const choice = random();
    if (choice < 0.4 && keys.length > 0) copy[pick(keys)] = pick(ODD_VALUES);
    else if (choice < 0.6 && keys.length > 0) delete copy[pick(keys)];
    else if (choice < 0.8) copy[randomString(random, 8)] = pick(ODD_VALUES);
    else if (keys.length > 0) copy[pick(keys)] = randomJson(random, pick, 1);
  }
  return random() < 0.05 ? [copy] : copy;
}

function randomJson(random: () => number, pick: <T>(items: readonly T[]) => T, depth: number): unknown {
  const kind = random();
  if (depth > 4 || kind < 0.3) return pick(ODD_VALUES);
  if (kind < 0.5) return randomString(random, 30);
  if (kind < 0.7) return Array.from({ length: Math.floor(random() * 5) }, () => randomJson(random, pick, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(random() * 6) }, () => [randomString(random, 10), randomJson(random, pick, depth + 1)]));
}

// By code point: a lone half of a surrogate pair cannot even be sent.
const ALPHABET = Array.from('abcXYZ019_-.~%/\\"\'<>&{}[]: \u00e9\u4e2d\ud83d\udcb3');

function randomString(random: () => number, max: number): string {
  return Array.from({ length: Math.floor(random() * max) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('');
}

/** Header values are bytes: what a client can send at all. */
function headerString(random: () => number, max: number): string {
  return Array.from({ length: Math.floor(random() * max) }, () => String.fromCharCode(0x21 + Math.floor(random() * 94))).join('');
}

/** A small seeded generator, so a failing run can be replayed with its seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
