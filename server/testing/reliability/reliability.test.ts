import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callbackStorm } from './callback-storm.js';
import { crash } from './crash.js';
import { doubleSubmit } from './double-submit.js';
import { faults } from './faults.js';
import { fuzz } from './fuzz.js';
import { leakScan } from './leak-scan.js';
import type { ScenarioResult } from './result.js';

/**
 * The reliability scenarios at a smaller size, for `npm test`. `npm run test:reliability` runs them
 * at the sizes and prints the table (RELIABILITY.md).
 */
const artifacts = mkdtempSync(join(tmpdir(), 'pay-checkout-reliability-'));
function expectPassed(result: ScenarioResult): void {
  expect(result.problems, `${result.scenario}: ${result.figures}`).toEqual([]);
  expect(result.passed, result.figures).toBe(true);
}

describe('reliability, small', { timeout: 180_000 }, () => {
  it('callback storm: one final transition and one webhook per payment, none lost', async () => {
    const result = await callbackStorm({ payments: 15, callbacks: 150 });
    expectPassed(result);
    expect(result.figures).toMatch(/^0 lost, 0 doubled/);
    expect(result.load).toContain('over 15 payments (5 MilkyPay, 5 HPAY, 5 Payment Hub)');
  });

  it('double submit: one provider create for 20 concurrent pay calls with one key', async () => {
    const result = await doubleSubmit({ calls: 20 });
    expectPassed(result);
    expect(result.figures).toMatch(/^1 provider create/);
  });

  it('faults: no unknown state and no double charge after reconciliation', async () => {
    const result = await faults({ payments: 40, errorRate: 0.2, dropCallbacks: 0.1 });
    expectPassed(result);
    expect(result.figures).toMatch(/0 unknown, 0 double charges and 0 payments differing/);
    expect(result.load).toContain('40 orders (10 MilkyPay, 10 HankoPay, 10 HPAY, 10 Payment Hub)');
  });

  it('crash: a proxy killed with SIGKILL mid-payments settles every one and delivers every webhook', async () => {
    const result = await crash({ payments: 10, port: 0, artifactsDir: artifacts });
    expectPassed(result);
  });

  it('fuzz: no 5xx and no crash for random requests on every route', async () => {
    const result = await fuzz({ requests: 1500, seed: Date.now() % 100_000, artifactsDir: artifacts });
    expectPassed(result);
    expect(result.figures).toMatch(/^0 answers 5xx, 0 without an answer, 0 crashes/);
  });

  it('leak scan: finds nothing in what the scenarios above wrote, and finds a planted card number', async () => {
    const needles = { cardNumbers: ['4242424242424242', '4111111111111111'], securityCodes: ['482'] };
    const clean = await leakScan({ roots: [artifacts], needles, base: artifacts, what: 'scenario logs and databases' });
    expectPassed(clean);
    // The scan can fail: a planted grouped number and a security code are found.
    const planted = mkdtempSync(join(tmpdir(), 'pay-checkout-leak-'));
    writeFileSync(join(planted, 'app.log'), '{"msg":"paid","card":"4111 1111 1111 1111","cvv":"482"}\n');
    const dirty = await leakScan({ roots: [planted], needles, base: resolve(planted), what: 'a planted log' });
    expect(dirty.passed).toBe(false);
    expect(dirty.problems).toEqual(['app.log: card 411111…', 'app.log: security code 482']);
  });
});
