/**
 * The proxy's transport for calls to providers and merchant webhooks: a `fetch`-compatible
 * function built on undici's `request` API, on one shared keep-alive connection pool.
 *
 * Why not the global `fetch`: issue #7 allows the proxy 3 ms (p99) over calling a provider
 * directly, and on a small 2-core machine Node 20's `fetch` costs two to three times the CPU of
 * `request` from undici (the library behind that very `fetch`) for the same small JSON POST over
 * keep-alive loopback. CPU per call, client and server together, calls one after the other,
 * median of 5 rounds of 2000 (`npx tsx bench/outbound-fetch.ts`, Node 20.20, shared machine):
 *   global fetch                                 820 µs
 *   undici request                               290 µs
 *   outboundFetch (request, answer as Response)  420 µs
 * An earlier measurement, made differently on the same kind of machine, gave 1483, 397 and 493 µs.
 *
 * Callers keep their `fetch?: typeof fetch` option (tests inject stubs there) and get this as the
 * default. It does what the callers rely on, the way `fetch` does it:
 * - headers as a plain object, a `Headers` or pairs; bodies as a string, bytes, URLSearchParams
 *   (sent as `application/x-www-form-urlencoded;charset=UTF-8` unless the caller set a type);
 * - an abort, before or during the call or while the body is read, rejects with the signal's
 *   reason: `TimeoutError` from AbortSignal.timeout, `AbortError` from AbortController.abort();
 * - any other failure (refused, reset, DNS) rejects with a TypeError, like fetch's, but whose
 *   message is the cause's code ("ECONNREFUSED", "UND_ERR_SOCKET") where fetch only says "fetch
 *   failed". Not the cause's message: callers put this one into errors that may reach a browser,
 *   and the cause's message names addresses. The original error stays in `cause`;
 * - the answer is a real `Response` whose body streams; 204, 205, 304 and HEAD answers have none.
 * Differences, none of which a caller depends on: redirects are never followed whatever `redirect`
 * says (every caller asks for 'manual' or must not follow: a 3xx comes back with its Location);
 * no `Accept-Encoding` is sent, so answers are not compressed and nothing is decompressed;
 * `response.url` is empty and `redirected` false; `Request` objects, Blob, FormData and stream
 * bodies are refused. Of fetch's own headers only `Accept` (any type) and `User-Agent: node` are
 * added when missing, since some provider front ends refuse requests without a User-Agent.
 */
import { STATUS_CODES } from 'node:http';
import { Agent, request, type Dispatcher } from 'undici';

/** Keep-alive connections per provider origin; more calls than this wait for a free one. */
export const CONNECTIONS_PER_ORIGIN = 64;
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const USER_AGENT = 'node';

let sharedAgent: Agent | undefined;

/** The shared pool, made on the first call so that importing this module opens nothing. */
function agent(): Agent {
  sharedAgent ??= new Agent({ connections: CONNECTIONS_PER_ORIGIN, keepAliveTimeout: 4_000 });
  return sharedAgent;
}

export const outboundFetch: typeof fetch = async (input, init = {}) => {
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  if (typeof input !== 'string' && !(input instanceof URL)) {
    throw new TypeError('outboundFetch takes a URL or a string, not a Request');
  }
  const upper = (init.method ?? 'GET').toUpperCase();
  const method = NORMALIZED_METHODS.has(upper) ? upper : (init.method ?? 'GET');
  const headers = headerRecord(init.headers);
  const body = requestBody(init.body, headers);
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new TypeError(`A ${method} request cannot have a body`);
  }
  headers['accept'] ??= '*/*';
  headers['user-agent'] ??= USER_AGENT;

  let answer: Dispatcher.ResponseData;
  try {
    answer = await request(input, { dispatcher: agent(), method: method as Dispatcher.HttpMethod, headers, body, signal });
  } catch (error) {
    throw failure(error, signal);
  }
  return toResponse(answer, method);
};

/** The caller's headers with lower-case names; a repeated name is joined with ", " as fetch does. */
function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  const add = (name: string, value: string): void => {
    const key = name.toLowerCase();
    record[key] = record[key] === undefined ? value : `${record[key]}, ${value}`;
  };
  if (init === undefined) return record;
  if (init instanceof Headers) {
    init.forEach((value, name) => add(name, value));
  } else if (Array.isArray(init)) {
    for (const pair of init) {
      if (pair.length !== 2) throw new TypeError('Each header pair must be a name and a value');
      add(String(pair[0]), String(pair[1]));
    }
  } else {
    for (const [name, value] of Object.entries(init)) {
      if (value !== undefined) add(name, String(value));
    }
  }
  return record;
}

/** The body undici sends, with the Content-Type fetch would give it when the caller set none. */
function requestBody(body: BodyInit | null | undefined, headers: Record<string, string>): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') {
    headers['content-type'] ??= 'text/plain;charset=UTF-8';
    return body;
  }
  if (body instanceof URLSearchParams) {
    headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return body.toString();
  }
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError('outboundFetch sends string, byte and URLSearchParams bodies only');
}

/** An aborted call rejects with the signal's reason, anything else with a TypeError as fetch's. */
function failure(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted) return signal.reason;
  const code = (error as { code?: unknown } | undefined)?.code;
  // A refused argument (a header value with a line break) is the caller's mistake: its words help.
  const byCode = typeof code === 'string' && code !== 'UND_ERR_INVALID_ARG';
  const message = byCode ? code : error instanceof Error ? error.message : '';
  return new TypeError(message || 'fetch failed', { cause: error });
}

function toResponse(answer: Dispatcher.ResponseData, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(answer.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else headers.append(name, value);
  }
  const status = answer.statusCode;
  const init = { status, statusText: answer.statusText || STATUS_CODES[status] || '', headers };
  if (method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
    // Nothing of it is read: release the stream.
    answer.body.dump().catch(() => undefined);
    return new Response(null, init);
  }
  return new Response(webBody(answer.body), init);
}

/**
 * The answer's body as a web stream. Not `Readable.toWeb`: after a cancel it still enqueues the
 * chunks already on their way and throws from an event handler (nodejs/node#54205), which ends
 * the process; a webhook receiver's "OK" is such a chunk. A cancel drains what is left, so the
 * connection can be reused. undici keeps watching the signal until the body is read, and errors
 * the body with its reason.
 */
function webBody(body: Dispatcher.ResponseData['body']): ReadableStream<Uint8Array> {
  let canceled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      body.pause();
      body.on('data', (chunk: Buffer) => {
        if (canceled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) body.pause();
      });
      body.on('end', () => {
        if (!canceled) controller.close();
      });
      body.on('error', (error) => {
        if (!canceled) controller.error(error);
      });
    },
    pull() {
      body.resume();
    },
    cancel() {
      canceled = true;
      return body.dump().then(
        () => undefined,
        () => undefined,
      );
    },
  });
}
