import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Flushes what SQLite has committed to its WAL to the disk (fdatasync), on libuv's thread pool, off
 * the event loop. Linux flushes the file itself, whichever descriptor wrote it, so SQLite's own
 * writes are covered by ours.
 *
 * The WAL is opened once and kept: while the database is open SQLite rewrites it in place after a
 * checkpoint and deletes it only when its last connection closes, so the descriptor stays the file.
 * Opening and closing it around every flush cost two more trips to the thread pool (0.1 ms at the
 * median here, 1 ms at the 99th percentile).
 */
export class WalFlush {
  private wal: FileHandle | undefined;
  /** Whether the directory entry of the WAL (made by the first write after opening) is on disk. */
  private entrySynced = false;

  constructor(private readonly databasePath: string) {}

  async flush(): Promise<void> {
    if (!this.wal) {
      try {
        this.wal = await open(`${this.databasePath}-wal`, 'r');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
        // No WAL yet: nothing was committed since opening, and what was is in the database file.
        return syncOnce(this.databasePath);
      }
    }
    await this.wal.datasync();
    if (!this.entrySynced) {
      await syncOnce(dirname(this.databasePath));
      this.entrySynced = true;
    }
  }

  async close(): Promise<void> {
    await this.wal?.close();
    this.wal = undefined;
  }
}

async function syncOnce(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
