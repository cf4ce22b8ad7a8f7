import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { callbackStorm } from './callback-storm.js';
import { crash } from './crash.js';
import { doubleSubmit } from './double-submit.js';
import { faults } from './faults.js';
import { fuzz } from './fuzz.js';
import { leakScan, needlesFrom, sourceFilesUnder } from './leak-scan.js';
import { formatTable, timed, type ScenarioResult } from './result.js';

/**
 * `npm run test:reliability`: every scenario at the sizes, then the whole e2e suite with its
 * server's log and database kept, then the leak scan over those and every test artifact, then the
 * table. `--only storm,double,...` runs some of them; `--write` puts the table into RELIABILITY.md.
 * Exits non-zero when any scenario fails.
 */
const root = resolve(import.meta.dirname, '../../..');
/** Logs and databases of the scenarios and of the e2e run, scanned for leaks at the end. */
const ARTIFACTS = join(root, 'test-results', 'reliability');
const E2E_PORT = Number(process.env.RELIABILITY_E2E_PORT ?? 3420);

const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {
  storm: () => callbackStorm({ payments: 100, callbacks: 1000 }),
  double: () => doubleSubmit({ calls: 50 }),
  faults: () => faults({ payments: 200, errorRate: 0.2, dropCallbacks: 0.1 }),
  crash: () => crash({ payments: 50, port: Number(process.env.RELIABILITY_PORT ?? 3410), artifactsDir: ARTIFACTS }),
  fuzz: () => fuzz({ requests: 10_000, seed: Number(process.env.FUZZ_SEED ?? 20261121), artifactsDir: ARTIFACTS }),
  leaks: () => e2eThenLeakScan(),
};

async function e2eThenLeakScan(): Promise<ScenarioResult> {
  const e2e = await timed(async () => {
    const dataDir = join(ARTIFACTS, 'e2e-data');
    mkdirSync(dataDir, { recursive: true });
    const run = spawnSync('npx', ['playwright', 'test'], {
      cwd: root,
      env: { ...process.env, E2E_PORT: String(E2E_PORT), E2E_SERVER_LOG: join(ARTIFACTS, 'e2e-server.log'), E2E_DATA_DIR: dataDir },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const summary = /(\d+) passed/.exec(run.stdout)?.[0] ?? 'no test passed';
    const failed = /(\d+) failed/.exec(run.stdout)?.[0];
    return { scenario: 'e2e suite', load: 'npx playwright test', figures: failed ? `${summary}, ${failed}` : summary, passed: run.status === 0, problems: run.status === 0 ? [] : [run.stdout.slice(-2000)] };
  });
  const needles = needlesFrom([...sourceFilesUnder([join(root, 'e2e')], /\.spec\.ts$/), ...sourceFilesUnder([join(root, 'server/testing/reliability')], /\.ts$/)]);
  const scan = await leakScan({ roots: [join(root, 'test-results')], needles, base: root, what: `after the e2e suite (${e2e.figures}) and the scenarios above; logs, databases and test-results` });
  return { ...scan, passed: scan.passed && e2e.passed, problems: [...e2e.problems, ...scan.problems], seconds: e2e.seconds + scan.seconds };
}

async function main(): Promise<void> {
  const onlyIndex = process.argv.indexOf('--only');
  const only = onlyIndex >= 0 ? process.argv[onlyIndex + 1]?.split(',') : undefined;
  rmSync(ARTIFACTS, { recursive: true, force: true });
  mkdirSync(ARTIFACTS, { recursive: true });
  const started = performance.now();
  const results: ScenarioResult[] = [];
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (only && !only.includes(name)) continue;
    process.stdout.write(`running ${name}... `);
    const result = await run();
    results.push(result);
    process.stdout.write(`${result.passed ? 'pass' : 'FAIL'} in ${result.seconds.toFixed(1)} s\n`);
    for (const problem of result.problems) process.stdout.write(`  ${problem}\n`);
  }
  const table = formatTable(results);
  const total = (performance.now() - started) / 1000;
  process.stdout.write(`\n${table}\n\nTotal: ${total.toFixed(0)} s\n`);
  if (process.argv.includes('--write')) writeTable(table, total);
  process.exitCode = results.every((result) => result.passed) ? 0 : 1;
}

/** Replaces the figures between the markers of RELIABILITY.md. */
function writeTable(table: string, totalSeconds: number): void {
  const path = join(root, 'RELIABILITY.md');
  const text = readFileSync(path, 'utf8');
  const block = `<!-- figures:start -->\n${table}\n\nWhole run: ${totalSeconds.toFixed(0)} s on this machine (${new Date().toISOString().slice(0, 10)}).\n<!-- figures:end -->`;
  writeFileSync(path, text.replace(/<!-- figures:start -->[\s\S]*<!-- figures:end -->/, block));
}

await main();
