import type { Server } from 'node:http';
import type { Logger } from '../logger.js';

export interface ShutdownSteps {
  server: Server;
  /** Told first, so the load balancer sees /readyz fail while requests still finish. */
  drain: () => void;
  /** Background work to stop once no request runs (reconciler...), in order; each waits for its current round. */
  stopWorkers: (() => Promise<void>)[];
  /** Last: closes the store (the connection pool). */
  closeStore: () => Promise<void>;
  logger: Logger;
  /** After this long, connections still open are cut and the shutdown goes on. */
  graceMs?: number;
}

/**
 * Stops an instance without losing work: stop accepting connections, let in-flight requests
 * finish (idle keep-alive connections are closed at once), stop the background workers, close
 * the store. Locks and claims need no release step of their own: advisory locks end with the
 * transactions of the requests that held them, and the reconciler's claims are lease times that
 * simply run out. Resolves true when everything finished within the grace period.
 */
export async function shutDownGracefully(steps: ShutdownSteps): Promise<boolean> {
  steps.drain();
  const graceMs = steps.graceMs ?? 10_000;
  let finished = true;
  const closed = new Promise<void>((resolve) => steps.server.close(() => resolve()));
  // A keep-alive connection turns idle when its last request is answered; close it then, rather
  // than wait for the client to give it up.
  const sweep = setInterval(() => steps.server.closeIdleConnections(), 50);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  if ((await Promise.race([closed, timedOut])) === 'timeout') {
    finished = false;
    steps.logger.warn({ graceMs }, 'requests still running after the grace period; closing their connections');
    steps.server.closeAllConnections();
    await closed;
  }
  clearTimeout(timer);
  clearInterval(sweep);
  for (const stop of steps.stopWorkers) {
    await stop().catch((error: unknown) => {
      finished = false;
      steps.logger.error({ err: error }, 'a background worker did not stop cleanly');
    });
  }
  await steps.closeStore();
  return finished;
}
