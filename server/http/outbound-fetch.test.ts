import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { outboundFetch } from './outbound-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

/** A local server that records each request whole and answers it with `answer`. */
async function serve(answer: (seen: Seen, res: ServerResponse, req: IncomingMessage) => void = (_, res) => res.end('ok')) {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const one = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(one);
      answer(one, res, req);
    });
  });
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, seen, connections: () => connections };
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('outboundFetch', () => {
  it('sends a JSON POST with its headers and body and reads the JSON answer', async () => {
    const server = await serve((seen, res) => {
      res.writeHead(201, { 'Content-Type': 'application/json', 'X-Request-Id': 'req_9' });
      res.end(JSON.stringify({ echoed: JSON.parse(seen.body.toString('utf8')) }));
    });
    const response = await outboundFetch(`${server.base}/v1/payments?x=1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t0k' },
      body: JSON.stringify({ amount: 4800, currency: 'USD' }),
      redirect: 'manual',
    });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-request-id')).toBe('req_9');
    expect(await response.json()).toEqual({ echoed: { amount: 4800, currency: 'USD' } });
    const [seen] = server.seen;
    expect(seen).toMatchObject({ method: 'POST', url: '/v1/payments?x=1' });
    expect(seen!.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'Bearer t0k', accept: '*/*', 'user-agent': 'node' });
    expect(seen!.headers['content-length']).toBe(String(seen!.body.length));
  });

  it('takes headers as a Headers or as pairs, joining a repeated name as fetch does', async () => {
    const server = await serve();
    await (await outboundFetch(server.base, { headers: new Headers({ 'X-One': '1', Accept: 'application/json' }) })).text();
    await (await outboundFetch(server.base, { headers: [['X-Two', 'a'], ['x-two', 'b']] })).text();
    expect(server.seen[0]!.headers).toMatchObject({ 'x-one': '1', accept: 'application/json' });
    expect(server.seen[1]!.headers['x-two']).toBe('a, b');
  });

  it('sends a URLSearchParams body as a form, and a string as text, unless the caller set a type', async () => {
    const server = await serve();
    await (await outboundFetch(server.base, { method: 'post', body: new URLSearchParams({ a: '1', b: 'x y&z' }) })).text();
    await (await outboundFetch(server.base, { method: 'POST', body: 'plain' })).text();
    await (await outboundFetch(server.base, { method: 'POST', headers: { 'content-type': 'application/json' }, body: new URLSearchParams({ a: '1' }) })).text();
    expect(server.seen[0]).toMatchObject({ method: 'POST' });
    expect(server.seen[0]!.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8');
    expect(server.seen[0]!.body.toString('utf8')).toBe('a=1&b=x+y%26z');
    expect(server.seen[1]!.headers['content-type']).toBe('text/plain;charset=UTF-8');
    expect(server.seen[2]!.headers['content-type']).toBe('application/json');
  });

  it('sends byte bodies as they are', async () => {
    const server = await serve();
    const bytes = Uint8Array.from([0, 1, 2, 250, 255]);
    await (await outboundFetch(server.base, { method: 'PUT', body: bytes })).text();
    await (await outboundFetch(server.base, { method: 'PUT', body: Buffer.from('buffer') })).text();
    expect([...server.seen[0]!.body]).toEqual([0, 1, 2, 250, 255]);
    expect(server.seen[1]!.body.toString('utf8')).toBe('buffer');
  });

  it('refuses a GET with a body, as fetch does', async () => {
    const server = await serve();
    const error = await rejection(outboundFetch(server.base, { method: 'GET', body: 'x' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(server.seen).toHaveLength(0);
  });

  it('gives 204 and HEAD answers a null body', async () => {
    const server = await serve((seen, res) => {
      if (seen.method === 'HEAD') res.writeHead(200, { 'Content-Length': '5' }).end();
      else res.writeHead(204).end();
    });
    const empty = await outboundFetch(server.base, { method: 'POST', body: '{}' });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe('');
    const head = await outboundFetch(server.base, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers.get('content-length')).toBe('5');
    expect(server.seen.map((seen) => seen.method)).toEqual(['POST', 'HEAD']);
  });

  it('keeps connections alive from one call to the next', async () => {
    const server = await serve((_, res) => res.writeHead(204).end());
    for (let i = 0; i < 10; i++) await outboundFetch(server.base, { method: 'POST', body: '{}' });
    expect(server.seen).toHaveLength(10);
    // undici may open a second connection while the first is still finishing its answer.
    expect(server.connections()).toBeLessThanOrEqual(2);
  });

  it('hands a redirect back instead of following it', async () => {
    const server = await serve((seen, res) => {
      if (seen.url === '/start') res.writeHead(302, { Location: '/elsewhere' }).end('moved');
      else res.end('followed');
    });
    const response = await outboundFetch(`${server.base}/start`, { method: 'POST', body: '{}', redirect: 'follow' });
    expect(response.status).toBe(302);
    expect(response.ok).toBe(false);
    expect(response.headers.get('location')).toBe('/elsewhere');
    expect(await response.text()).toBe('moved');
    expect(server.seen.map((seen) => seen.url)).toEqual(['/start']);
  });

  it('keeps every value of a repeated response header', async () => {
    const server = await serve((_, res) => {
      res.setHeader('Set-Cookie', ['a=1; Path=/', 'b=2; HttpOnly']);
      res.end();
    });
    const response = await outboundFetch(server.base);
    expect(response.headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2; HttpOnly']);
  });

  it('rejects with TimeoutError when AbortSignal.timeout fires while the server holds the answer, and closes the request', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const server = await serve((_, res) => res.on('close', closed));
    const error = await rejection(outboundFetch(server.base, { method: 'POST', body: '{}', signal: AbortSignal.timeout(50) }));
    expect(error.name).toBe('TimeoutError');
    await serverSawClose;
    expect(server.seen).toHaveLength(1);
  });

  it('rejects the body read with AbortError when the call is aborted after the headers came', async () => {
    const server = await serve((_, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"partial":');
    });
    const controller = new AbortController();
    const response = await outboundFetch(server.base, { signal: controller.signal });
    expect(response.status).toBe(200);
    controller.abort();
    const error = await rejection(response.text());
    expect(error.name).toBe('AbortError');
  });

  it('rejects with AbortError and sends nothing when the signal is already aborted', async () => {
    const server = await serve();
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(outboundFetch(server.base, { method: 'POST', body: '{}', signal: controller.signal }));
    expect(error.name).toBe('AbortError');
    expect(server.seen).toHaveLength(0);
  });

  it('rejects a refused connection with a TypeError that names the cause by its code only', async () => {
    const closed = await serve();
    const url = closed.base;
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const error = await rejection(outboundFetch(url, { method: 'POST', body: '{}' }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('ECONNREFUSED');
    expect((error.cause as { code?: string }).code).toBe('ECONNREFUSED');
  });

  it('rejects a header value with a line break with a TypeError that says so, sending nothing', async () => {
    const server = await serve();
    const error = await rejection(outboundFetch(server.base, { headers: { 'X-Bad': 'a\r\nInjected: 1' } }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/header/i);
    expect(server.seen).toHaveLength(0);
  });

  it('lets a body already on its way be canceled unread', async () => {
    const server = await serve((_, res) => res.writeHead(400, { 'Content-Type': 'text/plain' }).end('bad signature'));
    for (let i = 0; i < 3; i++) {
      const response = await outboundFetch(server.base, { method: 'POST', body: '{}' });
      await response.body?.cancel();
    }
    // The chunks that arrive after a cancel are dropped, not thrown from an event handler (which
    // vitest reports as an unhandled error, and which ends a proxy).
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await (await outboundFetch(server.base)).text()).toBe('bad signature');
    expect(server.seen).toHaveLength(4);
  });

  it('carries a big body both ways intact', async () => {
    const server = await serve((seen, res) => res.end(Buffer.from(seen.body).reverse()));
    const sent = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < sent.length; i++) sent[i] = (i * 31) % 251;
    const response = await outboundFetch(server.base, { method: 'POST', body: sent });
    const received = Buffer.from(await response.arrayBuffer());
    expect(server.seen[0]!.body.equals(sent)).toBe(true);
    expect(received.equals(Buffer.from(sent).reverse())).toBe(true);
  });
});
