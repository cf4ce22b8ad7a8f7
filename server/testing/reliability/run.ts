import { resolve } from 'node:path';
import { callbackStorm } from './callback-storm.js';
import { crash } from './crash.js';
import { doubleSubmit } from './double-submit.js';
import { faults } from './faults.js';
import { fuzz } from './fuzz.js';
import { formatTable, type ScenarioResult } from './result.js';

/**
 * `npm run test:reliability`: every scenario at the sizes, then the table. `--only name,...`
 * runs some of them. Exits non-zero when any scenario fails.
 */
/** Logs and databases of the scenarios that run the proxy as a process, scanned for leaks at the end. */
const ARTIFACTS = resolve(import.meta.dirname, '../../../test-results/reliability');

const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  storm: () => callbackStorm({ payments: 100, callbacks: 1000 }),
  double: () => doubleSubmit({ calls: 50 }),
  faults: () => faults({ payments: 200, errorRate: 0.2, dropCallbacks: 0.1 }),
  fuzz: () => fuzz({ requests: 10_000, seed: Number(process.env.FUZZ_SEED ?? 20261121), artifactsDir: ARTIFACTS }),
  crash: () => crash({ payments: 50, port: Number(process.env.RELIABILITY_PORT ?? 3410), artifactsDir: ARTIFACTS }),
};

async function main(): Promise<void> {
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.split(',') : undefined;
  const results: ScenarioResult[] = [];
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    process.stdout.write(`running ${name}... `);
    const result = await run();
    results.push(result);
    process.stdout.write(`${result.passed ? 'pass' : 'FAIL'} in ${result.seconds.toFixed(1)} s\n`);
    for (const problem of result.problems) process.stdout.write(`  ${problem}\n`);
  }
  process.stdout.write(`\n${formatTable(results)}\n`);
  process.exitCode = results.every((result) => result.passed) ? 0 : 1;
}

await main();
