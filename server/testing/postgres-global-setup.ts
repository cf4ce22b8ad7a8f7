import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, POSTGRES_MISSING, startPostgresCluster } from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The PostgreSQL server the tests use, or why there is none (their suites then fail with it). */
    postgres: { url?: string; problem?: string };
  }
}

/**
 * Vitest's global setup: TEST_DATABASE_URL when set (CI, or a developer's own server), otherwise a
 * throwaway cluster started from Debian's PostgreSQL binaries and stopped after the run.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    project.provide('postgres', { url: given });
    return undefined;
  }
  const binaries = findPostgresBinaries();
  if (!binaries) {
    project.provide('postgres', { problem: POSTGRES_MISSING });
    return undefined;
  }
  try {
    const cluster = await startPostgresCluster(binaries);
    project.provide('postgres', { url: cluster.url });
    return () => cluster.stop();
  } catch (error) {
    project.provide('postgres', { problem: `PostgreSQL from ${binaries} did not start: ${(error as Error).message.split('\n')[0]}` });
    return undefined;
  }
}
