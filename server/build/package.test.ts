import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, packIntoConsumerProject, REPO, run, type ConsumerProject } from './consumer-project.js';

/**
 * The npm package as a merchant gets it (consumer-project.ts): every entry of `exports` imported
 * by Node from a throwaway project, and its types checked by tsc.
 */

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; import: string }>;
  dependencies: Record<string, string>;
};
const BUILTINS = new Set(builtinModules);

let consumer: ConsumerProject;
let project: string;
let installed: string;
let packed: string[];

beforeAll(() => {
  consumer = packIntoConsumerProject();
  ({ dir: project, installed, packed } = consumer);
}, 120_000);

afterAll(() => {
  consumer?.remove();
});

describe('the packed npm package', () => {
  it('holds the builds and no tests, test helpers or TypeScript sources', () => {
    expect(packed).toEqual(expect.arrayContaining(['package.json', 'dist/sdk/pay-checkout.js', 'dist/esm/widget/index.js', 'dist/server/index.js', 'dist/custom-elements.json', 'dist/widget/locales/tr.json', 'dist/card-entry/card-entry.js']));
    expect(packed.filter((path) => /\.test\.|\/testing\/|^server\/|^widget\/|^e2e\/|\.env$|(?<!\.d)\.ts$/.test(path))).toEqual([]);
  });

  it('has every file its exports name (except the webhook helper, built on its own branch)', () => {
    for (const [name, target] of Object.entries(pkg.exports)) {
      if (name === './webhooks' && !existsSync(join(REPO, 'server/webhooks/verify-webhook.ts'))) continue;
      for (const path of typeof target === 'string' ? [target] : [target.types, target.import]) {
        expect(existsSync(join(installed, path)), `${name}: ${path}`).toBe(true);
      }
    }
  });

  it('imports every export in Node, the element without touching window', () => {
    const script = `
      const element = await import('pay-checkout');
      const server = await import('pay-checkout/server');
      const events = await import('pay-checkout/events');
      const format = await import('pay-checkout/format');
      const theme = await import('pay-checkout/theme');
      const bare = await import('pay-checkout/element');
      const manifest = (await import('pay-checkout/custom-elements.json', { with: { type: 'json' } })).default;
      let webhooks = 'absent';
      try { webhooks = Object.keys(await import('pay-checkout/webhooks')).join(','); } catch (error) { if (error.code !== 'ERR_MODULE_NOT_FOUND') throw error; }
      console.log(JSON.stringify({
        element: typeof element.PayCheckout, define: typeof element.definePayCheckout, bare: typeof bare.PayCheckout,
        router: typeof server.createCheckoutRouter, standalone: typeof server.startCheckoutServer,
        event: new events.PayCompleteEvent({ paymentId: 'p', status: 'succeeded' }).type,
        money: format.formatMoney(123456, { currency: 'JPY', currencyExponent: 0, locale: 'en' }),
        tag: manifest.modules.flatMap((m) => m.declarations ?? []).find((d) => d.tagName)?.tagName,
        theme: theme.THEME_PROPERTY_NAMES.includes('--pay-density') && theme.THEME_PROPERTIES['--pay-color-background'].dark,
        window: typeof globalThis.window, webhooks,
      }));`;
    const result = JSON.parse(run(process.execPath, ['--input-type=module', '-e', script], project)) as Record<string, string>;
    expect(result).toMatchObject({
      element: 'function',
      define: 'function',
      bare: 'function',
      router: 'function',
      standalone: 'function',
      event: 'pay-complete',
      money: '¥123,456',
      tag: 'pay-checkout',
      theme: '#111827',
      window: 'undefined',
    });
    if (existsSync(join(REPO, 'server/webhooks/verify-webhook.ts'))) expect(result.webhooks).not.toBe('absent');
  });

  it('runs the standalone server from its bin without TypeScript tooling, checking its configuration first', () => {
    expect(readFileSync(join(installed, 'dist/server/main.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    // A bad PORT, so that it stops at once with the variable named instead of listening.
    const result = spawnSync(process.execPath, [join(installed, 'dist/server/main.js')], {
      cwd: project,
      env: { PATH: process.env.PATH, PORT: 'eighty', DATA_DIR: join(project, 'data') },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT must be a port number/);
  }, 30_000);

  it('depends on the types its declarations import, so a consumer checking them (skipLibCheck false) finds them', () => {
    const imported = new Set<string>();
    for (const path of packed.filter((file) => file.endsWith('.d.ts'))) {
      for (const [, specifier] of readFileSync(join(installed, path), 'utf8').matchAll(/(?:from|import\()\s*['"]([^'"./][^'"]*)['"]/g)) {
        const name = specifier!.split('/').slice(0, specifier!.startsWith('@') ? 2 : 1).join('/');
        if (!specifier!.startsWith('node:') && !BUILTINS.has(name)) imported.add(name);
      }
    }
    expect(imported).toContain('express');
    for (const name of imported) {
      // A package without its own types gets them from DefinitelyTyped's @types/<name>.
      const typesPackage = `@types/${name.replace(/^@(.*)\//, '$1__')}`;
      const provider = existsSync(join(REPO, 'node_modules', typesPackage)) ? typesPackage : name;
      expect(pkg.dependencies, `the declarations import ${name}`).toHaveProperty([provider]);
    }
  });

  it("runs docs/integration.md's mounted example, which exits on SIGTERM after closing its server and the checkout", async () => {
    const guide = readFileSync(join(REPO, 'docs/integration.md'), 'utf8');
    const example = /```js\n(import express[\s\S]*?createCheckoutRouter[\s\S]*?)```/.exec(guide)?.[1];
    expect(example).toContain("process.on('SIGTERM'");
    const port = await freePort();
    writeFileSync(join(project, 'mounted.mjs'), example!.replace('app.listen(8080)', `app.listen(${port}, '127.0.0.1')`));
    const child = spawn(process.execPath, ['mounted.mjs'], { cwd: project, env: { PATH: process.env.PATH, DATA_DIR: join(project, 'mounted-data'), LOG_LEVEL: 'silent' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await expect.poll(() => fetch(`http://127.0.0.1:${port}/pay/healthz`).then((r) => r.status, () => 0), { timeout: 20_000 }).toBe(200);
      child.kill('SIGTERM');
      const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
      expect(code).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  }, 40_000);

  it('type-checks a TypeScript consumer of the element, its events and the server', () => {
    writeFileSync(
      join(project, 'shop.ts'),
      `import { PayCheckout } from 'pay-checkout';
       import { PayCompleteEvent } from 'pay-checkout/events';
       import { createCheckoutRouter } from 'pay-checkout/server';
       const element: PayCheckout = document.createElement('pay-checkout');
       element.session = 'token';
       element.addEventListener('pay-complete', (event: PayCompleteEvent) => console.log(event.detail.status.toUpperCase()));
       export const router: Promise<unknown> = createCheckoutRouter({ PUBLIC_URL: 'https://shop.example/pay' });`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'DOM'], types: ['node'], skipLibCheck: true, noEmit: true }, files: ['shop.ts'] }),
    );
    expect(run(process.execPath, [join(REPO, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], project)).toBe('');
  }, 60_000);
});
