/**
 * `npm run bench`: measures, in one run on loopback, the proxy next to a bare node:http and a bare
 * Express server, the latency the proxy adds to a pay call over calling the provider directly, and
 * the element's size next to the browser builds of Adyen Web and Braintree Drop-in. Writes
 * BENCHMARKS.md. The measured servers run on CPU 0; the load generator and the provider simulator
 * (which stands in for a provider's own machines) on CPU 1, when taskset is there. Every process
 * runs plain compiled JavaScript, so no side pays for a TypeScript loader.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { transform } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bench = join(root, 'bench');
const pin = existsSync('/usr/bin/taskset') && cpus().length >= 2;
const DURATION_S = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const PAY_SAMPLES = 2000;
const PAY_WARM_UP = 30;
const FLUSH_SAMPLES = 500;
/** How long the CPU-stall probe spins on each CPU. */
const STALL_PROBE_S = 10;
/** Every scenario is loaded this many times, the rounds interleaved, and the median round reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const WARM_UP_S = 2;
const PORTS = { http: 4101, express: 4102, simulator: 4103, proxy: 4104, callbackSink: 4105, passThrough: 4106, floor: 4107 };
/** The CPU of the measured servers, and the one of the load generator and the simulated provider. */
const SERVER_CPU = 0;
const LOAD_CPU = 1;
const children: ChildProcess[] = [];

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** The server's CPU time per answered request, in µs: steadier than req/s on a shared machine. */
  cpuPerRequest?: number;
}

function onCpu(cpu: number, command: string, args: string[]): [string, string[]] {
  return pin ? ['taskset', ['-c', String(cpu), command, ...args]] : [command, args];
}

async function startServer(script: string, args: string[], options: { env?: Record<string, string>; healthUrl?: string; cpu?: number } = {}): Promise<ChildProcess> {
  const { env = {}, healthUrl, cpu = SERVER_CPU } = options;
  const [command, argv] = onCpu(cpu, process.execPath, [script, ...args]);
  const child = spawn(command, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  children.push(child);
  if (healthUrl) {
    for (let i = 0; i < 100; i++) {
      if (await fetch(healthUrl).then((r) => r.ok, () => false)) return child;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${script} did not start`);
  }
  await new Promise<void>((resolveReady, reject) => {
    child.once('message', () => resolveReady());
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return child;
}

/** CPU time (user + system, all threads) the process has used so far, in µs; undefined off Linux. */
function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined || !existsSync(`/proc/${pid}/stat`)) return undefined;
  // Fields after the command name: utime and stime are the 12th and 13th, in clock ticks (100 per second).
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10_000;
}

/** Runs autocannon (the CLI, on the load CPU): requests per second, latency percentiles, and the server's CPU per request. */
async function load(url: string, options: { method?: string; headers?: Record<string, string>; body?: string; seconds?: number; server?: ChildProcess } = {}): Promise<LoadResult> {
  const cpuBefore = cpuMicros(options.server?.pid);
  const args = [join(bench, 'node_modules/autocannon/autocannon.js'), '--json', '-c', String(CONNECTIONS), '-d', String(options.seconds ?? DURATION_S)];
  if (options.method) args.push('-m', options.method);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (options.body) args.push('-b', options.body);
  args.push(url);
  const result = (await jsonFromChild(LOAD_CPU, args, 'autocannon')) as AutocannonResult;
  const cpuAfter = cpuMicros(options.server?.pid);
  const cpuPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total > 0 ? (cpuAfter - cpuBefore) / result.requests.total : undefined;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, cpuPerRequest };
}

/** The parts of autocannon's --json report that are read. */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}

/** Runs a Node script on one CPU and parses the JSON it prints once it has exited and its output is complete. */
function jsonFromChild(cpu: number, args: string[], name: string): Promise<unknown> {
  const [command, argv] = onCpu(cpu, process.execPath, args);
  return new Promise((resolveOutput, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    // 'close', not 'exit': only then has stdout been read to its end.
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${name} exited with ${code}`));
      try {
        resolveOutput(JSON.parse(out));
      } catch (error) {
        reject(new Error(`${name} printed no JSON: ${(error as Error).message}`));
      }
    });
  });
}

/** The round with the median requests per second (its latencies with it, so they belong together). */
function medianRound(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.rps - b.rps)[Math.floor(results.length / 2)]!;
}

type PayPath = 'direct' | 'passThrough' | 'proxy' | 'proxyCold';
type Scenario = 'bareHttp' | 'bareExpress' | 'sessions' | 'methods' | 'status' | 'floorSessions' | 'floorMethods';

function shuffled<T>(items: T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function timed(call: () => Promise<Response>): Promise<number> {
  const start = performance.now();
  const response = await call();
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return performance.now() - start;
}

/**
 * The disk's own share of a pay call: the proxy flushes its WAL once per new payment, so one
 * fdatasync of a 4 KB write on the proxy's DATA_DIR (on the thread pool, as the proxy does it),
 * in milliseconds.
 */
async function flushLatencies(dir: string, count: number): Promise<number[]> {
  const file = await open(join(dir, 'flush-probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const samples: number[] = [];
  try {
    for (let i = 0; i < count; i++) {
      await file.write(page, 0, page.length, 0);
      const start = performance.now();
      await file.datasync();
      samples.push(performance.now() - start);
    }
  } finally {
    await file.close();
  }
  return samples;
}

interface CpuStalls {
  cpu: number;
  seconds: number;
  thresholdMs: number;
  /** Each time the probe lost its CPU for longer than thresholdMs, in ms. */
  stalls: number[];
}

/**
 * How often the machine itself takes a CPU away, probed on both CPUs at once while every server
 * idles (bench/cpu-stalls.mjs). A request running at that moment is late by the stall, so this
 * bounds what a p99 measured here can say.
 */
async function cpuStalls(seconds: number): Promise<CpuStalls[]> {
  return Promise.all(
    [SERVER_CPU, LOAD_CPU].map(async (cpu) => ({
      cpu,
      ...((await jsonFromChild(cpu, [join(bench, 'cpu-stalls.mjs'), String(seconds)], 'the CPU-stall probe')) as Omit<CpuStalls, 'cpu'>),
    })),
  );
}

function sizes(code: Buffer | string): { raw: number; gzip: number; brotli: number } {
  const buffer = Buffer.from(code);
  return {
    raw: buffer.length,
    gzip: gzipSync(buffer, { level: 9 }).length,
    brotli: brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

async function main(): Promise<void> {
  const credentials = { publicKey: 'pk_test_bench', apiUser: 'bench', apiPassword: randomBytes(8).toString('hex') };
  const merchantKey = `sk_bench_${randomBytes(16).toString('hex')}`;
  const proxy = `http://localhost:${PORTS.proxy}`;
  // This process is the client of the pay rounds: it must not take the measured server's CPU either.
  if (pin) spawnSync('taskset', ['-a', '-p', '-c', String(LOAD_CPU), String(process.pid)], { stdio: 'ignore' });
  const simulator = `http://127.0.0.1:${PORTS.simulator}`;

  const bareHttp = await startServer('bench/servers/bare-http.mjs', [String(PORTS.http)]);
  const bareExpress = await startServer('bench/servers/bare-express.mjs', [String(PORTS.express)]);
  await startServer('bench/servers/milkypay-simulator.mjs', [String(PORTS.simulator), credentials.publicKey, credentials.apiUser, credentials.apiPassword], { cpu: LOAD_CPU });
  // Where the simulator's callbacks about the direct calls go: they are no payment of the proxy's.
  const callbackSink = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end())).listen(PORTS.callbackSink, '127.0.0.1');
  await startServer('bench/servers/pass-through.mjs', [String(PORTS.passThrough), simulator]);
  const dataDir = mkdtempSync(join(tmpdir(), 'pay-checkout-bench-'));
  const proxyServer = await startServer('dist/server/main.js', [], { env: {
    PORT: String(PORTS.proxy),
    DATA_DIR: dataDir,
    MERCHANT_API_KEY: merchantKey,
    MILKYPAY_BASE_URL: simulator,
    MILKYPAY_PUBLIC_KEY: credentials.publicKey,
    MILKYPAY_API_USER: credentials.apiUser,
    MILKYPAY_API_PASSWORD: credentials.apiPassword,
    // The other providers stay simulated, as in the figures measured before credentials turned them off.
    SANDBOX: 'true',
    LOG_LEVEL: 'warn',
    // The load comes from one address and one session by design: the limits would measure themselves.
    RATE_LIMIT_PER_IP: '0',
    RATE_LIMIT_PER_SESSION: '0',
  }, healthUrl: `${proxy}/healthz` });

  const merchantHeaders = { authorization: `Bearer ${merchantKey}`, 'content-type': 'application/json' };
  const sessionBody = (i: number) => JSON.stringify({ orderId: `bench-${i}`, amount: '48.00', currency: 'USD', returnUrl: `${proxy}/return` });
  const newSession = async (i: number) => (await (await fetch(`${proxy}/api/sessions`, { method: 'POST', headers: merchantHeaders, body: sessionBody(i) })).json()) as { token: string };
  const widgetHeaders = (token: string) => ({ authorization: `Bearer ${token}`, origin: proxy, 'content-type': 'application/json' });

  // One paid-for setup: a session whose methods are cached, and a payment to poll.
  const { token } = await newSession(0);
  await fetch(`${proxy}/api/checkout`, { headers: widgetHeaders(token) });
  const pay = (await (await fetch(`${proxy}/api/checkout/payments`, {
    method: 'POST',
    headers: { ...widgetHeaders(token), 'idempotency-key': 'bench-0' },
    body: JSON.stringify({ methodId: 'milkypay:payment_card_usd_hpp' }),
  })).json()) as { payment: { id: string } };

  // The same two routes built from the standard pieces alone, answering the proxy's own checkout bytes.
  const checkoutAnswerFile = join(mkdtempSync(join(tmpdir(), 'pay-checkout-bench-')), 'checkout.json');
  writeFileSync(checkoutAnswerFile, await (await fetch(`${proxy}/api/checkout`, { headers: widgetHeaders(token) })).text());
  const floor = `http://localhost:${PORTS.floor}`;
  const floorServer = await startServer('bench/servers/standard-floor.mjs', [String(PORTS.floor), checkoutAnswerFile]);
  const floorToken = ((await (await fetch(`${floor}/token`)).json()) as { token: string }).token;

  // Rounds interleave the scenarios, so a neighbour's load on a shared machine hits them alike.
  const scenarios: Record<Scenario, (seconds?: number) => Promise<LoadResult>> = {
    bareHttp: (seconds) => load(`http://127.0.0.1:${PORTS.http}/`, { seconds, server: bareHttp }),
    bareExpress: (seconds) => load(`http://127.0.0.1:${PORTS.express}/`, { seconds, server: bareExpress }),
    sessions: (seconds) => load(`${proxy}/api/sessions`, { method: 'POST', headers: merchantHeaders, body: sessionBody(1), seconds, server: proxyServer }),
    methods: (seconds) => load(`${proxy}/api/checkout`, { headers: widgetHeaders(token), seconds, server: proxyServer }),
    status: (seconds) => load(`${proxy}/api/checkout/payments/${pay.payment.id}`, { headers: widgetHeaders(token), seconds, server: proxyServer }),
    floorSessions: (seconds) => load(`${floor}/api/sessions`, { method: 'POST', headers: merchantHeaders, body: sessionBody(1), seconds, server: floorServer }),
    floorMethods: (seconds) => load(`${floor}/api/checkout`, { headers: widgetHeaders(floorToken), seconds, server: floorServer }),
  };
  // A process runs its code unoptimized at first: a short unreported pass warms every scenario.
  for (const scenario of Object.values(scenarios)) await scenario(WARM_UP_S);
  const rounds: Record<Scenario, LoadResult>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const measured = {} as Record<Scenario, LoadResult>;
    for (const [name, run] of Object.entries(scenarios) as [Scenario, () => Promise<LoadResult>][]) measured[name] = await run();
    rounds.push(measured);
  }
  const results = Object.fromEntries(
    (Object.keys(scenarios) as Scenario[]).map((name) => [name, medianRound(rounds.map((round) => round[name]))]),
  ) as Record<Scenario, LoadResult>;

  // Added latency on pay: the same invoice creation, through the proxy and straight to the simulator.
  // Through the proxy as the element does it: it loaded the checkout (GET /api/checkout) with its
  // token first, so the pay call finds the token verified and the session read. The cold row pays
  // with a token the proxy has never seen (as after a failover to another instance). The
  // pass-through row is a hop without logic on the proxy's CPU: what any proxy adds here.
  const basic = `Basic ${Buffer.from(`${credentials.apiUser}:${credentials.apiPassword}`).toString('base64')}`;
  const samples: Record<PayPath, number[]> = { direct: [], passThrough: [], proxy: [], proxyCold: [] };
  const sessionTokens = async (from: number) => Promise.all(Array.from({ length: PAY_SAMPLES + PAY_WARM_UP }, (_, i) => newSession(from + i).then((s) => s.token)));
  const [warmTokens, coldTokens] = [await sessionTokens(10_000), await sessionTokens(20_000)];
  const invoice = (origin: string, i: number, path: string) => () =>
    fetch(`${origin}/api/payment-invoices`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ data: { type: 'payment-invoices', attributes: { reference_id: `${path}-${i}`, amount: 48, currency: 'USD', service: 'payment_card_usd_hpp', flow: 'charge', callback_url: `http://127.0.0.1:${PORTS.callbackSink}/callbacks` } } }),
    });
  const payThroughProxy = (token: string, key: string) => () =>
    fetch(`${proxy}/api/checkout/payments`, {
      method: 'POST',
      headers: { ...widgetHeaders(token), 'idempotency-key': key },
      body: JSON.stringify({ methodId: 'milkypay:payment_card_usd_hpp' }),
    });
  const calls: Record<PayPath, (i: number) => Promise<number>> = {
    direct: (i) => timed(invoice(simulator, i, 'direct')),
    passThrough: (i) => timed(invoice(`http://127.0.0.1:${PORTS.passThrough}`, i, 'pass-through')),
    proxy: async (i) => {
      await (await fetch(`${proxy}/api/checkout`, { headers: widgetHeaders(warmTokens[i]!) })).arrayBuffer();
      return timed(payThroughProxy(warmTokens[i]!, `bench-pay-${i}`));
    },
    proxyCold: (i) => timed(payThroughProxy(coldTokens[i]!, `bench-pay-cold-${i}`)),
  };
  for (let i = 0; i < PAY_SAMPLES + PAY_WARM_UP; i++) {
    // A new order every round, so no path always follows another's work (a callback, a flush).
    for (const path of shuffled(Object.keys(calls) as PayPath[])) {
      const ms = await calls[path](i);
      // The first calls warm connections and caches on every side.
      if (i >= PAY_WARM_UP) samples[path].push(ms);
    }
  }
  callbackSink.close();
  const flushes = await flushLatencies(dataDir, FLUSH_SAMPLES);
  // Unpinned, the two probes would share CPUs with each other and count every switch as a stall.
  const stalls = pin ? await cpuStalls(STALL_PROBE_S) : undefined;

  const element = sizes(readFileSync(join(root, 'dist/sdk/pay-checkout.js')));
  const adyen = sizes(readFileSync(join(bench, 'node_modules/@adyen/adyen-web/dist/cjs/index.cjs')));
  // Braintree ships its browser build unminified: minify it as a merchant's bundler would.
  const braintreeSource = readFileSync(join(bench, 'node_modules/braintree-web-drop-in/dist/browser/dropin.js'), 'utf8');
  const braintree = sizes((await transform(braintreeSource, { minify: true })).code);

  writeFileSync(join(root, 'BENCHMARKS.md'), report({ results, rounds, pay: samples, flushes, stalls, element, adyen, braintree }));
  console.log(readFileSync(join(root, 'BENCHMARKS.md'), 'utf8'));
}

/** The share of calls a p99 leaves out. */
const P99_TAIL = 0.01;

/**
 * The CPU-stall probe's figures, and what they mean for a p99 of calls lasting `callMs`: the
 * longest stall that still meets at least 1% of such calls is how much of that p99 the machine
 * alone can account for.
 */
function stallsParagraph(probes: CpuStalls[] | undefined, callMs: number): string {
  if (!probes) return 'The machine itself was not probed for CPU stalls: without taskset the probe cannot keep to one CPU.';
  const seconds = probes[0]!.seconds;
  const each = (figure: (probe: CpuStalls) => string) => probes.map((probe) => `${figure(probe)} on CPU ${probe.cpu}`).join(' and ');
  const longerThan = (probe: CpuStalls, ms: number) => probe.stalls.filter((stall) => stall > ms).length;
  // Stalls arrive at random: a call of length t meets at least one of k per second with
  // probability 1 - e^(-k t). Taking both CPUs' stalls for the whole call overstates it (a call is
  // not running on both all the time), so this is an upper bound. Walking down from the longest
  // stall, the first one whose count reaches a 1% chance is the most a p99 can owe to the machine.
  const longestFirst = probes.flatMap((probe) => probe.stalls).sort((a, b) => b - a);
  const needed = Math.ceil((-Math.log(1 - P99_TAIL) * seconds * 1000) / callMs);
  const owed = longestFirst[needed - 1];
  return `The machine itself, probed after the rounds with every server idle (bench/cpu-stalls.mjs): a loop spinning
for ${seconds} s on each CPU lost it for more than ${probes[0]!.thresholdMs} ms ${each((probe) => `${probe.stalls.length} times`)},
for more than 1 ms ${each((probe) => `${longerThan(probe, 1)} times`)}; the longest stall was ${each((probe) => `${Math.max(0, ...probe.stalls).toFixed(1)} ms`)}.
A pay through the proxy takes ${callMs.toFixed(2)} ms at the median, its work shared between the two CPUs. ${
    owed === undefined
      ? `Too few stalls came to meet 1% of such calls: the machine's stalls do not account for the p99 above.`
      : `Counting every stall of either CPU against it (an upper bound), 1% of such calls meet a stall of ${owed.toFixed(1)} ms or more: up to that much of a p99 measured here can be the machine's, not the code's.`
  }`;
}

function report(r: {
  results: Record<Scenario, LoadResult>;
  rounds: Record<Scenario, LoadResult>[];
  pay: Record<PayPath, number[]>;
  flushes: number[];
  stalls: CpuStalls[] | undefined;
  element: ReturnType<typeof sizes>;
  adyen: ReturnType<typeof sizes>;
  braintree: ReturnType<typeof sizes>;
}): string {
  const { results, pay, flushes, stalls, element, adyen, braintree } = r;
  const over = (samples: number[], base: number[], p: number) => percentile(samples, p) - percentile(base, p);
  const addedP99 = over(pay.proxy, pay.direct, 99);
  const hopP99 = over(pay.passThrough, pay.direct, 99);
  // The rounds in order, cut in four: how far a p99 moves within one run shows how much of it is the machine.
  const quarters = (samples: number[]) => [0, 1, 2, 3].map((q) => samples.slice((q * samples.length) / 4, ((q + 1) * samples.length) / 4));
  const byQuarter = (figure: (q: number) => number) => [0, 1, 2, 3].map((q) => figure(q).toFixed(2)).join(' / ');
  const payRow = (name: string, samples: number[]) =>
    `| ${name} | ${percentile(samples, 50).toFixed(2)} | ${percentile(samples, 99).toFixed(2)} | ${byQuarter((q) => percentile(quarters(samples)[q]!, 99))} |`;
  const addedRow = (name: string, samples: number[], base: number[]) =>
    `| ${name} | ${over(samples, base, 50).toFixed(2)} | ${over(samples, base, 99).toFixed(2)} | ${byQuarter((q) => over(quarters(samples)[q]!, quarters(base)[q]!, 99))} |`;
  const express = results.bareExpress.rps;
  const expressCpu = results.bareExpress.cpuPerRequest;
  const cpu = (x: LoadResult) =>
    x.cpuPerRequest === undefined || expressCpu === undefined ? 'n/a | n/a' : `${x.cpuPerRequest.toFixed(0)} | ${((expressCpu / x.cpuPerRequest) * 100).toFixed(0)}%`;
  const ratio = (x: LoadResult) => `${((x.rps / express) * 100).toFixed(0)}%`;
  const row = (name: string, x: LoadResult) =>
    `| ${name} | ${x.rps.toFixed(0)} | ${ratio(x)} | ${x.p50} | ${x.p99} | ${cpu(x)} | ${x.non2xx + x.errors} |`;
  const kb = (bytes: number) => (bytes / 1024).toFixed(1);
  const smallerPeer = Math.min(adyen.gzip, braintree.gzip);
  const check = (ok: boolean) => (ok ? 'met' : '**missed**');
  const sessionsRatio = results.sessions.rps / express;
  const methodsRatio = results.methods.rps / express;
  const elementRatio = element.gzip / smallerPeer;
  return `# Benchmarks

Measured by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}.
Loopback only. The measured servers on CPU ${SERVER_CPU}; the load generator, the pay rounds' client and the provider simulator on CPU ${LOAD_CPU} (${pin ? 'taskset' : 'not pinned: no taskset'}).
Every process runs compiled JavaScript with the same Node. Each scenario is warmed for ${WARM_UP_S} s first, unreported.
Absolute numbers drift on shared machines; the ratios to bare Express measured in the same run are the figures that count.

## Throughput and latency

\`node bench/node_modules/autocannon/autocannon.js --json -c ${CONNECTIONS} -d ${DURATION_S} [-m POST -H ... -b ...] URL\`, ${ROUNDS} rounds
with the scenarios interleaved; each row is its median round. The proxy runs its compiled build
(\`node dist/server/main.js\`, as the package's \`pay-checkout\` command does) with SQLite in a temporary DATA_DIR, LOG_LEVEL=warn, and MilkyPay pointed at its simulator in another process.

| Scenario | req/s | vs bare Express | p50 ms | p99 ms | server CPU µs/req | bare Express's CPU/req over this | non-2xx + errors |
|---|---:|---:|---:|---:|---:|---:|---:|
${row('bare node:http, GET /', results.bareHttp)}
${row('bare Express, GET /', results.bareExpress)}
${row('POST /api/sessions (merchant API)', results.sessions)}
${row('GET /api/checkout (session + cached methods)', results.methods)}
${row('GET /api/checkout/payments/:id (status poll)', results.status)}
${row('standard pieces only, POST /api/sessions', results.floorSessions)}
${row('standard pieces only, GET /api/checkout', results.floorMethods)}

The two "standard pieces only" rows are bench/servers/standard-floor.mjs: the same two routes with no proxy logic,
only what they cannot do without. Session creation: Express's JSON parser, helmet's API headers, zod with the proxy's
schema, one SQLite insert on the proxy's schema and pragmas, one ES256 signature. Methods: helmet, cors, a token
verified once and then remembered, one SQLite read of the session's payments, and the proxy's own answer bytes.
They are the floor a proxy made of these pieces cannot go below on this machine.

Server CPU is read from /proc (user and system time of the server process, all its threads) around each load.
It moves less than req/s when neighbours share the machine; its ratio is bare Express's CPU per request over the scenario's.
Every round, in req/s: ${(Object.keys(results) as (keyof typeof results)[]).map((name) => `${name} ${r.rounds.map((round) => round[name].rps.toFixed(0)).join(' / ')}`).join('; ')}.

## Latency the proxy adds to a pay call

${pay.direct.length} rounds after ${PAY_WARM_UP} unreported ones, each path once per round in a shuffled order. The paths:
the invoice creation straight to the simulator; the same through a pass-through hop (bench/servers/pass-through.mjs:
node:http and the proxy's own outbound transport, no logic, on the proxy's CPU); one \`POST /api/checkout/payments\`
through the proxy as the element makes it (its session's checkout loaded first, untimed); and one with a token the
proxy has not seen yet. Every pay is a new session's. The simulator (on the load CPU) calls the proxy back about each
payment, and the proxy looks the invoice up, as against the real provider; its other callbacks go elsewhere.
The proxy makes the new payment durable (an fdatasync of its WAL) before it answers.

| Path | p50 ms | p99 ms | p99 of each quarter of the rounds, ms |
|---|---:|---:|---:|
${payRow('simulator directly', pay.direct)}
${payRow('through the pass-through hop', pay.passThrough)}
${payRow('through the proxy', pay.proxy)}
${payRow('through the proxy, token not seen before', pay.proxyCold)}

| Added over calling the simulator directly | p50 ms | p99 ms | p99 of each quarter of the rounds, ms |
|---|---:|---:|---:|
${addedRow('by the pass-through hop: the least any proxy adds on this machine', pay.passThrough, pay.direct)}
${addedRow('**by the proxy**', pay.proxy, pay.direct)}
${addedRow('by the proxy, token not seen before', pay.proxyCold, pay.direct)}
${addedRow('by the proxy over the pass-through hop: its own work', pay.proxy, pay.passThrough)}

The disk under the proxy's DATA_DIR, measured after the rounds: one fdatasync of a 4 KB write (${flushes.length} samples)
took ${percentile(flushes, 50).toFixed(2)} ms at the median, ${percentile(flushes, 90).toFixed(2)} ms at p90 and ${percentile(flushes, 99).toFixed(2)} ms at p99. Every pay through the proxy waits
for one such flush; the pass-through hop and the simulator flush nothing.

${stallsParagraph(stalls, percentile(pay.proxy, 50))}

## Size of the script a shopper downloads

gzip level 9 and brotli quality 11, measured in the same run from the files in node_modules.

| Build | raw KB | gzip KB | brotli KB |
|---|---:|---:|---:|
| pay-checkout, dist/sdk/pay-checkout.js (Lit, every view, English) | ${kb(element.raw)} | ${kb(element.gzip)} | ${kb(element.brotli)} |
| @adyen/adyen-web, dist/cjs/index.cjs | ${kb(adyen.raw)} | ${kb(adyen.gzip)} | ${kb(adyen.brotli)} |
| braintree-web-drop-in, dist/browser/dropin.js minified with esbuild | ${kb(braintree.raw)} | ${kb(braintree.gzip)} | ${kb(braintree.brotli)} |

## Targets

| Target | Figure | |
|---|---|---|
| session creation ≥ 50% of bare Express req/s | ${ratio(results.sessions)} (the standard pieces alone: ${ratio(results.floorSessions)}) | ${check(sessionsRatio >= 0.5)} |
| cached methods ≥ 70% of bare Express req/s | ${ratio(results.methods)} (the standard pieces alone: ${ratio(results.floorMethods)}) | ${check(methodsRatio >= 0.7)} |
| p99 added latency on pay ≤ 3 ms | ${addedP99.toFixed(2)} ms (a hop without logic: ${hopP99.toFixed(2)} ms) | ${check(addedP99 <= 3)} |
| element ≤ a quarter of the smaller peer's gzip size | ${(elementRatio * 100).toFixed(1)}% of ${kb(smallerPeer)} KB | ${check(elementRatio <= 0.25)} |
`;
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) child.kill();
  });
