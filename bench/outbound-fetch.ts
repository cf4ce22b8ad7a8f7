/**
 * `npx tsx bench/outbound-fetch.ts`: the CPU one outbound provider call costs, per transport, for a
 * small JSON POST over keep-alive loopback, calls made one after the other. Client and server run
 * in this one process, so the figure is both sides together (process.cpuUsage, user + system).
 * Rounds are interleaved and the median round is reported. Separate from `npm run bench`, whose
 * output it leaves alone; it explains the choice in server/http/outbound-fetch.ts.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import { CONNECTIONS_PER_ORIGIN, outboundFetch } from '../server/http/outbound-fetch.js';

const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const BODY = JSON.stringify({ amount: 4800, currency: 'USD', orderId: 'order_1', returnUrl: 'https://shop.example/return' });
const ANSWER = JSON.stringify({ id: 'inv_1', status: 'created', amount: 4800, currency: 'USD', url: 'https://pay.example/inv_1' });
const HEADERS = { 'Content-Type': 'application/json', Accept: 'application/json' };

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(ANSWER));
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/invoices`;
const agent = new Agent({ connections: CONNECTIONS_PER_ORIGIN });

const transports: Record<string, () => Promise<unknown>> = {
  'global fetch': async () => (await fetch(url, { method: 'POST', headers: HEADERS, body: BODY, signal: AbortSignal.timeout(5_000), redirect: 'manual' })).text(),
  'undici request': async () => (await request(url, { method: 'POST', headers: HEADERS, body: BODY, signal: AbortSignal.timeout(5_000), dispatcher: agent })).body.text(),
  outboundFetch: async () => (await outboundFetch(url, { method: 'POST', headers: HEADERS, body: BODY, signal: AbortSignal.timeout(5_000), redirect: 'manual' })).text(),
};

/** Microseconds of CPU per call over `CALLS` sequential calls. */
async function measure(call: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < CALLS; i++) await call();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / CALLS;
}

const samples: Record<string, number[]> = {};
for (const [name, call] of Object.entries(transports)) {
  for (let i = 0; i < 500; i++) await call(); // warm-up: JIT and connections
  samples[name] = [];
}
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, call] of Object.entries(transports)) samples[name]!.push(await measure(call));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
console.log(`CPU per sequential call, client and server together (median of ${ROUNDS} rounds of ${CALLS}):`);
for (const [name, values] of Object.entries(samples)) {
  console.log(`  ${name.padEnd(16)} ${Math.round(median(values)).toString().padStart(5)} µs   (rounds: ${values.map(Math.round).join(', ')})`);
}
server.close();
await agent.close();
process.exit(0);
