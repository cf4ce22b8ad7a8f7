import { open } from 'node:fs/promises';

/**
 * Flushes a file's written data to the disk (fdatasync) on libuv's thread pool, off the event loop.
 * Linux flushes the file itself, whichever descriptor wrote the data, so SQLite's own writes to its
 * WAL are covered by ours.
 */
export async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.datasync();
  } finally {
    await handle.close();
  }
}
