import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV_VARIABLES } from '../config.js';
import { createCheckoutRouter, type CheckoutRouter } from '../index.js';
import { createLogger } from '../logger.js';
import type { PaymentRecord } from '../store/store.js';
import { paymentEventMessage } from '../webhooks/merchant-event.js';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '../webhooks/verify-webhook.js';
import { freePort, packIntoConsumerProject, REPO, runAsync, type ConsumerProject } from './consumer-project.js';
import { markdownSnippets, type Snippet } from './markdown-snippets.js';

/**
 * What a merchant's developer copies from README.md and docs/integration.md works: the JS and TS
 * examples type-check against the packed package (consumer-project.ts) and the self-contained ones
 * run, the curl examples open sessions on a real proxy, the webhook example accepts an event the
 * proxy's own code signed, and every element attribute, event, part, custom property, environment
 * variable, npm script and route the two files name exists. Needs `npm run build` (dist/).
 */

const DOCS = ['README.md', 'docs/integration.md'];
const snippets = DOCS.flatMap((file) => markdownSnippets(REPO, file));
const texts = DOCS.map((file) => ({ file, text: readFileSync(join(REPO, file), 'utf8') }));
const everything = texts.map(({ text }) => text).join('\n');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

/** Variables the docs name that are not the proxy's: the merchant backend's own, and the test tooling's. */
const NOT_THE_PROXYS = new Set(['PAY_PROXY_URL', 'CHROMIUM_PATH', 'TEST_DATABASE_URL', 'DOCS_SCREENS']);
/** Attributes of a framework, not of the element (React's `ref`, Vue's `key`). */
const FRAMEWORK_ATTRIBUTES = new Set(['ref', 'key']);

const MERCHANT_KEY = 'sk_test_docs_snippets_key';
const WEBHOOK_SECRET = 'whsec_docs_snippets_secret_01';

interface Manifest {
  modules: { declarations?: ManifestElement[] }[];
}
interface ManifestElement {
  tagName?: string;
  attributes?: { name: string }[];
  events?: { name: string; description?: string }[];
  cssParts?: { name: string }[];
  cssProperties?: { name: string }[];
}
const manifest = JSON.parse(readFileSync(join(REPO, 'dist/custom-elements.json'), 'utf8')) as Manifest;
const element = manifest.modules.flatMap((module) => module.declarations ?? []).find((declaration) => declaration.tagName === 'pay-checkout')!;
const names = (list: { name: string }[] | undefined) => new Set((list ?? []).map((entry) => entry.name));
const ELEMENT = {
  attribute: names(element.attributes),
  event: names(element.events),
  part: names(element.cssParts),
  'custom property': names(element.cssProperties),
};

function snippet(language: string, marker: string): Snippet {
  const found = snippets.find((candidate) => candidate.language === language && candidate.code.includes(marker));
  if (!found) throw new Error(`no ${language} snippet with ${marker} in ${DOCS.join(' or ')}`);
  return found;
}

const matches = (text: string, pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length;

/** Each match of the pattern's first group in the two files, with its file and line. */
const named = (pattern: RegExp) =>
  texts.flatMap(({ file, text }) => [...text.matchAll(pattern)].map((match) => ({ name: match[1]!, where: `${file}:${lineAt(text, match.index)}` })));

/** Each match of the pattern's first group in a snippet, with its file and line. */
function namedIn(s: Snippet, pattern: RegExp): { name: string; where: string }[] {
  return [...s.code.matchAll(pattern)].map((match) => ({ name: match[1]!, where: `${s.file}:${s.line + lineAt(s.code, match.index)}` }));
}

/** The module scripts of an HTML snippet, as a page runs them. */
const inlineScripts = (html: string) => matches(html, /<script type="module">([\s\S]*?)<\/script>/g);

let consumer: ConsumerProject;
let server: Server;
let router: CheckoutRouter;
let proxyUrl: string;
let dataDir: string;

beforeAll(async () => {
  consumer = packIntoConsumerProject();
  dataDir = mkdtempSync(join(tmpdir(), 'pay-docs-'));
  const app = express();
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The guide's shop is https://shop.example; README's curl example returns to the proxy's own origin (the default).
  router = await createCheckoutRouter(
    { PUBLIC_URL: proxyUrl, ALLOWED_ORIGINS: `${proxyUrl},https://shop.example`, MERCHANT_API_KEY: MERCHANT_KEY, DATA_DIR: dataDir, SANDBOX: 'true' },
    { logger: createLogger({ level: 'silent' }) },
  );
  app.use(router);
}, 120_000);

afterAll(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
  await router?.close();
  consumer?.remove();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the code in README.md and docs/integration.md', () => {
  it('is in languages this test checks', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(20);
    const unchecked = snippets.filter((s) => !['sh', 'js', 'ts', 'jsx', 'html', 'css', 'json', 'dockerfile', 'nginx', ''].includes(s.language));
    expect(unchecked.map((s) => `${s.where} ${s.language}`)).toEqual([]);
  });

  it("names only attributes, events, parts and custom properties the element's manifest has", () => {
    const inDocs: { kind: keyof typeof ELEMENT; name: string; where: string }[] = [];
    for (const s of snippets) {
      for (const { name: tag, where } of namedIn(s, /<pay-checkout\b([^>]*)>/g)) {
        for (const attribute of matches(tag, /([@:]?[\w:-]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{[^}]*\}))?/g)) {
          const name = attribute.replace(/^(?::|v-bind:)/, '');
          if (/^(?:@|v-on:)/.test(name)) inDocs.push({ kind: 'event', name: name.replace(/^(?:@|v-on:)/, ''), where });
          else if (!FRAMEWORK_ATTRIBUTES.has(name)) inDocs.push({ kind: 'attribute', name, where });
        }
      }
      for (const found of namedIn(s, /addEventListener\(\s*['"]([\w-]+)['"]/g)) inDocs.push({ kind: 'event', ...found });
    }
    for (const found of named(/`(pay-[a-z]+(?:-[a-z]+)*)`/g)) if (found.name !== 'pay-checkout') inDocs.push({ kind: 'event', ...found });
    for (const found of named(/::part\(([\w-]+)\)/g)) inDocs.push({ kind: 'part', ...found });
    for (const found of named(/(--pay-[\w-]+)/g)) inDocs.push({ kind: 'custom property', ...found });
    expect(inDocs.filter(({ kind }) => kind === 'attribute').length).toBeGreaterThan(0);
    expect(inDocs.filter(({ kind, name }) => !ELEMENT[kind].has(name)).map(({ kind, name, where }) => `${where}: ${kind} ${name}`)).toEqual([]);

    // The guide's attribute table lists exactly the element's attributes.
    const guide = texts.find(({ file }) => file === 'docs/integration.md')!.text;
    const table = /^\| Attribute \|.*\n\|[-| ]+\|\n((?:\|.*\n)+)/m.exec(guide)?.[1] ?? '';
    expect(new Set(matches(table, /^\| `([\w-]+)` \|/gm))).toEqual(ELEMENT.attribute);
  });

  it("gives each event the detail fields the element's manifest documents", () => {
    const documented = new Map(
      element.events!.map((event) => [event.name, matches(/detail: \{([^}]*)\}/.exec(event.description ?? '')?.[1] ?? '', /(\w+):/g)]),
    );
    const inDocs = named(/`(pay-[a-z-]+`\s+`\{[^}]*\})`/g).map(({ name, where }) => {
      const [, event, fields] = /^(.*)`\s+`\{(.*)\}$/.exec(name)!;
      return { where: `${where}: ${event}`, event: event!, fields: fields!.split(/,\s*/) };
    });
    expect(inDocs.length).toBeGreaterThanOrEqual(8);
    for (const { where, event, fields } of inDocs) expect(fields, where).toEqual(documented.get(event));
  });

  it('names only environment variables the proxy reads', () => {
    const inDocs: { name: string; where: string }[] = [];
    for (const s of snippets) {
      if (!['sh', 'js', 'ts', 'dockerfile'].includes(s.language)) continue;
      const patterns = [/process\.env\.([A-Z][A-Z0-9_]*)/g, /\$\{?([A-Z][A-Z0-9_]*)/g, /(?:^|[\s{,])([A-Z][A-Z0-9_]{2,})(?:=|: )/gm];
      for (const pattern of patterns) inDocs.push(...namedIn(s, pattern));
    }
    inDocs.push(...named(/`([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z][A-Z0-9_]*(?==))[^`]*`/g));
    expect(inDocs.length).toBeGreaterThan(40);
    const known = new Set([...ENV_VARIABLES, ...NOT_THE_PROXYS]);
    expect(inDocs.filter(({ name }) => !known.has(name)).map(({ name, where }) => `${where}: ${name}`)).toEqual([]);
  });

  it('names only npm scripts and commands the package has', () => {
    // Commands are in code: the snippets, and the prose's backticks.
    const code = [...snippets.map((s) => s.code), ...matches(everything, /`([^`\n]+)`/g)].join('\n');
    const scripts = matches(code, /\bnpm (?:run )?([\w:-]+)/g).filter((name) => !['install', 'ci'].includes(name));
    expect(scripts).toContain('build');
    expect(scripts.filter((name) => !(name in pkg.scripts))).toEqual([]);
    expect(matches(code, /\bnpx (pay-[\w-]+)/g).filter((name) => !(name in pkg.bin))).toEqual([]);
  });

  it('names only routes the proxy has', async () => {
    const routes = new Set(matches(everything, /\b((?:GET|POST) \/(?:api|sdk|healthz|readyz)[^\s`?),]*)/g));
    expect(routes.size).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const route of routes) {
      const [method, path] = route.split(' ') as [string, string];
      const response = await fetch(`${proxyUrl}${path.replace(/:\w+|<\w+>/g, 'docs-x')}`, {
        method,
        headers: { authorization: `Bearer ${MERCHANT_KEY}`, 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      const body = await response.text();
      if (body.includes('"no route for ')) missing.push(route);
    }
    expect(missing).toEqual([]);
  });

  it('names the idempotency headers the merchant API takes and answers', async () => {
    const [, request] = /takes an optional `([\w-]+)` header/.exec(everything) ?? [];
    const [, replayed, value] = /\(header `([\w-]+): (\w+)`\)/.exec(everything) ?? [];
    const open = () =>
      fetch(`${proxyUrl}/api/sessions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${MERCHANT_KEY}`, 'content-type': 'application/json', [request!]: 'docs-idempotency-1' },
        body: JSON.stringify({ orderId: 'order-docs-idempotency', amount: '48.00', currency: 'USD', returnUrl: 'https://shop.example/orders/1' }),
      });
    const first = await open();
    const repeat = await open();
    expect([first.status, repeat.status]).toEqual([201, 201]);
    expect(await repeat.json()).toEqual(await first.json());
    expect(repeat.headers.get(replayed!)).toBe(value);
  });
});

describe('the JS and TS examples, against the packed package', () => {
  /** A snippet as a file of the merchant's project, and where its lines are in the docs. */
  const files: { name: string; snippet: Snippet }[] = [];

  function addFile(s: Snippet, extension: string, code = s.code): string {
    const name = `snippet-${files.length + 1}.${extension}`;
    writeFileSync(join(consumer.dir, name), code);
    files.push({ name, snippet: s });
    return name;
  }

  /** tsc's answer, its file names and lines turned into the docs' own. */
  async function tsc(config: object, file = 'tsconfig.json'): Promise<string> {
    writeFileSync(join(consumer.dir, file), JSON.stringify(config));
    try {
      return await runAsync(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', file], consumer.dir);
    } catch (error) {
      const output = (error as { stdout?: string }).stdout ?? String(error);
      return output.replace(/(snippet-\d+\.\w+)\((\d+),(\d+)\)/g, (whole, name: string, line: string) => {
        const file = files.find((candidate) => candidate.name === name);
        return file ? `${file.snippet.file}:${file.snippet.line + Number(line)} (${name})` : whole;
      });
    }
  }

  const common = { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'DOM', 'DOM.Iterable'], types: ['node'], skipLibCheck: true, moduleDetection: 'force' };

  it('type-checks the TypeScript ones, strictly, and the JavaScript ones, as a JS project checked by tsc would', async () => {
    // What the examples leave to the merchant's own code around them.
    writeFileSync(
      join(consumer.dir, 'merchant.d.ts'),
      `import type { Request } from 'express';
       declare global {
         function recordOutcomeOnce(eventId: string, payment: unknown): Promise<void>;
         const req: Request;
         const rawBody: Buffer;
         const secret: string;
       }`,
    );
    const webhook = snippet('ts', 'app.post(');
    const ts = snippets.filter((s) => s.language === 'ts').map((s) =>
      addFile(s, 'ts', s === webhook ? `${s.code}\napp.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));\n` : s.code),
    );
    const tsErrors = tsc({ compilerOptions: { ...common, strict: true, outDir: 'out', rootDir: '.' }, files: ['merchant.d.ts', ...ts] });

    const js = snippets.flatMap((s) => {
      if (s.language === 'js') return [addFile(s, 'js')];
      if (s.language === 'jsx') return [addFile(s, 'jsx')];
      // A page's own scripts, with the element the script tag above them loaded.
      if (s.language === 'html') return inlineScripts(s.code).map((code) => addFile(s, 'js', `/// <reference types="pay-checkout" />\n${code}`));
      return [];
    });
    expect(js.length).toBeGreaterThanOrEqual(6);
    const jsErrors = tsc({ compilerOptions: { ...common, allowJs: true, checkJs: true, jsx: 'preserve', noEmit: true }, files: js }, 'tsconfig.js.json');
    expect({ ts: await tsErrors, js: await jsErrors }).toEqual({ ts: '', js: '' });
  }, 60_000);

  it('run: the curl and Node examples open a session on the proxy', async () => {
    const env = { PATH: process.env.PATH, MERCHANT_API_KEY: MERCHANT_KEY, PAY_PROXY_URL: proxyUrl };
    const curls = snippets.filter((s) => s.language === 'sh' && s.code.includes('curl '));
    expect(curls.length).toBe(2);
    for (const s of curls) {
      const [, status, answer] = /^# (?:-> )?(\d{3}) (\{.*\})$/m.exec(s.code) ?? [];
      expect(status, `${s.where}: the answer it shows`).toBeDefined();
      const command = s.code.replace(/http:\/\/localhost:3000|https:\/\/pay\.shop\.example/g, proxyUrl).replace(/^curl /m, `curl -s -w '\\n%{http_code}' `);
      const output = (await runAsync('sh', ['-c', command], consumer.dir, env)).trim().split('\n');
      expect(output.at(-1), `${s.where}: ${output.join('\n')}`).toBe(status);
      expect(Object.keys(JSON.parse(output.slice(0, -1).join('\n'))), s.where).toEqual(matches(answer!, /"(\w+)":/g));
    }

    const node = snippet('js', 'function openCheckout(');
    const shown = /return response\.json\(\);\s*\/\/ \{ ([^}]*) \}/.exec(node.code)?.[1]?.split(', ');
    writeFileSync(
      join(consumer.dir, 'open-checkout.mjs'),
      `${node.code}\nconsole.log(JSON.stringify(await openCheckout({ id: 'order-docs-1', total: '48.00', currency: 'USD', email: 'shopper@shop.example' })));\n`,
    );
    const session = JSON.parse(await runAsync(process.execPath, ['open-checkout.mjs'], consumer.dir, env)) as Record<string, string>;
    expect(Object.keys(session), node.where).toEqual(shown);
  }, 60_000);

  it("run: README's session body with a shared payment page opens a session", async () => {
    const body = snippet('json', '"sharedPaymentPage"');
    const response = await fetch(`${proxyUrl}/api/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${MERCHANT_KEY}`, 'content-type': 'application/json' },
      body: body.code,
    });
    expect(response.status, `${body.where}: ${await response.clone().text()}`).toBe(201);
  });

  it('run: the webhook example accepts an event signed by the proxy and refuses a forged one', async () => {
    const fixture: PaymentRecord = {
      id: 'pay_docs1', sessionId: 'ses_docs1', orderId: 'order-1001', provider: 'milkypay', methodId: 'milkypay:payment_card_usd_hpp',
      amount: 4800, currency: 'USD', status: 'succeeded', providerRef: 'mp_docs1', refundedAmount: 0, createdAt: '2026-01-01T11:59:00.000Z', updatedAt: '2026-01-01T11:59:00.000Z',
    };
    const message = paymentEventMessage(fixture, 'requires_action', '2026-01-01T12:00:00.000Z');
    const event = JSON.parse(message.body) as { id: string; data: { payment: Record<string, unknown> } };

    // README's example event has the real one's fields.
    const example = JSON.parse(snippet('json', '"evt_').code) as { data: { payment: Record<string, unknown> } };
    expect(Object.keys(example).sort()).toEqual(Object.keys(event).sort());
    expect(Object.keys(example.data).sort()).toEqual(Object.keys(event.data).sort());
    expect(Object.keys(example.data.payment).filter((key) => key !== '...' && !(key in event.data.payment))).toEqual([]);

    const webhook = files.find(({ snippet: s }) => s.code.includes('app.post('))!;
    expect(webhook, 'type-checked (and built) first').toBeDefined();
    const path = /app\.post\('([^']+)'/.exec(webhook.snippet.code)![1]!;
    const runner = join(consumer.dir, 'webhook-runner.mjs');
    writeFileSync(runner, `globalThis.recordOutcomeOnce = async (id, payment) => console.log(JSON.stringify({ id, payment }));\nawait import('./out/${webhook.name.replace(/\.ts$/, '.js')}');\n`);
    const port = await freePort();
    const child: ChildProcess = spawn(process.execPath, [runner], { cwd: consumer.dir, env: { PATH: process.env.PATH, PORT: String(port), MERCHANT_WEBHOOK_SECRET: WEBHOOK_SECRET } });
    let output = '';
    const listening = new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('listening')) resolve();
      });
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('exit', () => reject(new Error(`${webhook.snippet.where}: the example stopped\n${output}`)));
    });
    try {
      await listening;
      const post = (header: string) =>
        fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: header }, body: message.body });
      const now = Math.floor(Date.now() / 1000);
      expect((await post(signWebhook(WEBHOOK_SECRET, message.body, now))).status, output).toBe(204);
      expect(output).toContain(JSON.stringify({ id: event.id, payment: event.data.payment }));
      const forged = await post(signWebhook('whsec_someone_else_entirely', message.body, now));
      expect(forged.status).toBe(400);
      expect(await forged.text()).toBe('no signature matches the body');
    } finally {
      child.kill();
    }
  }, 30_000);
});
