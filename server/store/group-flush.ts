/**
 * Group commit for a file whose writes are already committed but not yet flushed: everyone who asks
 * for durability while one flush runs shares the next one, so N concurrent payments cost two
 * flushes at most, not N, and no caller blocks the event loop.
 */
export class GroupFlush {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(private readonly flush: () => Promise<void>) {}

  /** Resolves once a flush that started after this call has finished (rejects with its error). */
  sync(): Promise<void> {
    if (!this.running) return this.start();
    // The running flush may have started before the caller's write reached the file: it needs the next one.
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<void> {
    const flushing = this.flush().finally(() => {
      if (this.running === flushing) this.running = undefined;
    });
    this.running = flushing;
    return flushing;
  }
}
