/** One row of the reliability table. */
export interface ScenarioResult {
  scenario: string;
  /** What was done, with its sizes. */
  load: string;
  /** What was counted. */
  figures: string;
  passed: boolean;
  /** Why it did not pass, one line each. */
  problems: string[];
  seconds: number;
}

export function formatTable(results: readonly ScenarioResult[]): string {
  const rows = results.map((r) => `| ${r.scenario} | ${r.load} | ${r.figures} | ${r.passed ? 'pass' : 'FAIL'} | ${r.seconds.toFixed(1)} s |`);
  return ['| Scenario | Load | Figures | Result | Time |', '|---|---|---|---|---|', ...rows].join('\n');
}

export async function timed(run: () => Promise<Omit<ScenarioResult, 'seconds'>>): Promise<ScenarioResult> {
  const started = performance.now();
  const result = await run();
  return { ...result, seconds: (performance.now() - started) / 1000 };
}
