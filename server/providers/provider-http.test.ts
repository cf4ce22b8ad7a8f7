import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../errors.js';
import { outboundFetch } from '../http/outbound-fetch.js';
import { sendProviderRequest } from './provider-http.js';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listening(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sale`, server };
}

const call = (url: string, timeoutMs = 2_000) =>
  sendProviderRequest({ provider: 'directcard', providerName: 'directcard', operation: 'the sale', url, method: 'POST', headers: {}, body: { amount: 100 }, timeoutMs, movesMoney: true, fetch: outboundFetch });

describe('sendProviderRequest over outboundFetch', () => {
  it('reads a JSON answer', async () => {
    const { url } = await listening((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"result":"ok"}'));
    expect(await call(url)).toEqual({ status: 200, ok: true, text: '{"result":"ok"}', json: { result: 'ok' } });
  });

  it('says a refused connection was refused, and that nothing was sent', async () => {
    const { url, server } = await listening(() => undefined);
    servers.pop();
    await new Promise((resolve) => server.close(resolve));
    const error = await call(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'provider_unavailable', message: 'directcard could not be reached for the sale: ECONNREFUSED' });
  });

  it('says a call that timed out did not answer in time', async () => {
    const { url } = await listening(() => undefined);
    const error = await call(url, 50).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'outcome_unknown', message: 'directcard did not answer the sale within 50 ms' });
  });
});
