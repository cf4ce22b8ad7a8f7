/**
 * At most one status lookup per payment in flight, plus at most one waiting: a callback that
 * arrives while a lookup runs gets the next one, which starts after the running one ends and so
 * sees whatever the provider knew when the callback was sent. A storm of callbacks (repeats, or a
 * forger's) has at most one lookup per payment at the provider at a time: the rate is bounded by
 * the provider's own answer time, not by the number of callbacks.
 */
export class CoalescedLookups<T> {
  private readonly slots = new Map<string, { current: Promise<T>; next?: Promise<T> }>();

  run(key: string, lookup: () => Promise<T>): Promise<T> {
    const slot = this.slots.get(key);
    if (!slot) {
      const current = lookup();
      this.slots.set(key, { current });
      this.whenSettled(key, current);
      return current;
    }
    slot.next ??= slot.current.then(
      () => lookup(),
      () => lookup(),
    );
    return slot.next;
  }

  private whenSettled(key: string, promise: Promise<T>): void {
    const advance = () => {
      const slot = this.slots.get(key);
      if (!slot || slot.current !== promise) return;
      if (slot.next) {
        slot.current = slot.next;
        slot.next = undefined;
        this.whenSettled(key, slot.current);
      } else {
        this.slots.delete(key);
      }
    };
    promise.then(advance, advance);
  }
}
