/** A refused Payment Hub refresh token is told to the operator (a log line, /healthz) and not retried forever. */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { merchantCall, widgetCall } from './testing/api-calls.js';
import { startProxy, type ProxyHarness } from './testing/proxy-harness.js';

let proxy: ProxyHarness;
const lines: string[] = [];
beforeAll(async () => {
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  proxy = await startProxy({ logs, paymenthubAdapterRefreshToken: 'ph_refresh_expired_long_ago' });
});
afterAll(async () => {
  await proxy.close();
});

it('reports the refused refresh token in a log line and in /healthz, and stops asking Payment Hub', async () => {
  const before = await (await fetch(`${proxy.url}/healthz`)).json();
  expect(before).toEqual({ ok: true, providers: { paymenthub: { credentials: 'ok' } } });

  const { body } = await merchantCall(proxy.url, 'POST', '/api/sessions', {
    orderId: 'order-refused',
    amount: '150000',
    currency: 'IDR',
    provider: 'paymenthub',
    returnUrl: 'https://shop.example/return',
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    const answer = await widgetCall(proxy.url, 'GET', '/api/checkout', body.token);
    expect(answer.status).toBeGreaterThanOrEqual(500);
  }
  // One reset was tried; the later calls failed at once without asking Payment Hub again.
  expect(proxy.paymenthub.stats.calls['POST /api/v1/auth/reset-all-token']).toBe(1);

  const after = await (await fetch(`${proxy.url}/healthz`)).json();
  expect(after.ok).toBe(true);
  expect(after.providers.paymenthub.credentials).toBe('refused');
  expect(after.providers.paymenthub.message).toMatch(/set PAYMENTHUB_REFRESH_TOKEN to a new refresh token/);
  const logged = lines.filter((line) => line.includes('Payment Hub credentials refused'));
  expect(logged).toHaveLength(1);
  expect(logged[0]).not.toContain('ph_refresh_expired_long_ago');
});
