/**
 * The client's edges that the simulator does not reach: timeouts, unreadable answers, network
 * failures, and what an error may and may not carry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderError } from '../../errors.js';
import { DirectCardClient } from './client.js';

const PAYMENT = {
  orderId: 'ORD-12345', amount: 100.5, currency: 'TRY', cardHolderName: 'John Doe', pan: '5421190122090656',
  expiryMonth: '04', expiryYear: '28', cvv: '916', requestIp: '192.168.1.1', requestPort: 8080,
};

let silent: Server;
let silentUrl: string;

beforeAll(async () => {
  // Accepts connections and never answers.
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
});

afterAll(async () => {
  silent.closeAllConnections();
  await new Promise((resolve) => silent.close(resolve));
});

function answering(status: number, text: string): typeof fetch {
  return (async () => new Response(text, { status, headers: { 'Content-Type': 'application/json' } })) as typeof fetch;
}

async function failure(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

describe('DirectCardClient', () => {
  it('gives up on a silent gateway: outcome_unknown for a payment, provider_unavailable for a read', async () => {
    const client = new DirectCardClient({ baseUrl: silentUrl, apiKey: 'k', apiSecret: 's', timeoutMs: 150, readTimeoutMs: 100 });
    const pay = await failure(client.pay(PAYMENT));
    expect(pay.code).toBe('outcome_unknown');
    expect(pay.message).toBe('directcard did not answer the payment within 150 ms');
    const read = await failure(client.getCheckout('abc'));
    expect(read.code).toBe('provider_unavailable');
    expect(read.message).toMatch(/within 100 ms/);
  });

  it('reads an unreadable 2xx to a payment as outcome_unknown, never as a result', async () => {
    const client = new DirectCardClient({ baseUrl: 'https://dc.example', apiKey: 'k', apiSecret: 's', fetch: answering(200, '<html>proxy error</html>') });
    const error = await failure(client.pay(PAYMENT));
    expect(error.code).toBe('outcome_unknown');
    expect(error.message).toMatch(/not the documented shape/);
  });

  it('reads an HTTP error body and keeps no card data in the error', async () => {
    const client = new DirectCardClient({
      baseUrl: 'https://dc.example/',
      apiKey: 'k',
      apiSecret: 's',
      fetch: answering(422, JSON.stringify({ resultCode: 'INSUFFICIENT_FUNDS', resultMessage: 'Insufficient funds on 5421190122090656', cvv: '916' })),
    });
    const error = await failure(client.pay(PAYMENT));
    expect(error.code).toBe('card_declined');
    expect(error.httpStatus).toBe(422);
    const everything = JSON.stringify({ message: error.message, raw: error.raw, stack: error.stack });
    expect(everything).not.toContain('5421190122090656');
    expect(everything).not.toContain('"916"');
  });

  it('reports a network failure without the request', async () => {
    const client = new DirectCardClient({
      baseUrl: 'https://dc.example',
      apiKey: 'k',
      apiSecret: 's',
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    const error = await failure(client.startThreeDSecure({ ...PAYMENT, successUrl: 'https://x/s', failureUrl: 'https://x/f' }));
    expect(error.code).toBe('outcome_unknown');
    expect(error.message).toBe('directcard could not be reached for 3-D Secure: fetch failed');
  });
});
