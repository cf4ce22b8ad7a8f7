import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the checkpointer copies the WAL into the database file, by default. */
export const CHECKPOINT_INTERVAL_MS = 1_000;
/** How long closing waits for the pass under way before it cuts the worker off. */
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * The worker's whole program. CommonJS in a string, so that it runs the same from the TypeScript
 * sources (tests, `npm start`) and from dist; the driver's path comes resolved from here.
 *
 * A PASSIVE checkpoint never waits for and never blocks a writer. Frames committed while one pass
 * runs are left for another: a few quick passes usually leave none, so that the next commit can
 * start the WAL over from its beginning instead of growing it. The busy timeout only ever holds
 * this thread (reading the schema while another connection recovers the WAL, say); a pass that
 * still finds the database busy is skipped, and any other error ends the worker (see onFailure).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = () => {
  try {
    for (let pass = 0; pass < 3; pass++) {
      const [{ log, checkpointed }] = db.pragma('wal_checkpoint(PASSIVE)');
      if (checkpointed >= log) return;
    }
  } catch (error) {
    if (!String(error.code).startsWith('SQLITE_BUSY')) throw error;
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.once('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * Checkpoints an SQLite database's WAL from a worker thread, off the event loop.
 *
 * SQLite otherwise checkpoints inside the commit that takes the WAL past 1,000 pages: that commit
 * then copies every page into the database file and syncs both files before it returns, and on the
 * proxy's one thread every request waits for it. Measured on the proxy's schema (a session, a
 * payment and its first status change, 9,000 commits), those checkpoints held single commits for
 * up to 95 ms and took 48% of all the time spent committing; p99 of a commit went from 0.54 ms to
 * 3.7 ms.
 *
 * The database's own connection keeps a higher automatic threshold as a backstop, and goes back to
 * SQLite's default if this worker stops (see SqliteStore).
 */
export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private stopping = false;

  constructor(path: string, options: { intervalMs?: number; onFailure: (error: Error) => void }) {
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { path, driver, intervalMs: options.intervalMs ?? CHECKPOINT_INTERVAL_MS } });
    // A store left open (a test, a script) must not keep the process alive for its checkpoints.
    this.worker.unref();
    let failure: Error | undefined;
    this.worker.on('error', (error) => (failure = error));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        if (!this.stopping) options.onFailure(failure ?? new Error(`the WAL checkpointer exited with code ${code}`));
        resolve();
      });
    });
  }

  /** Stops after the pass under way, if any, and closes the worker's connection. */
  async close(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      // Referenced again: an unreferenced worker does not keep the process alive, so at shutdown,
      // with nothing else running, Node could exit during a pass under way, before the store
      // closes its own connection.
      this.worker.ref();
      this.worker.postMessage('stop');
      const cutOff = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS);
      void this.exited.then(() => clearTimeout(cutOff));
    }
    await this.exited;
  }
}
