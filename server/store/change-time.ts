/**
 * The time a payment's change records when it compares the last change (`TransitionFrom.updatedAt`):
 * now, or a millisecond after the change it compared where the clock does not read later (the same
 * millisecond, or an instance whose clock is behind the one that wrote it). Left equal, a writer that
 * read the payment before this change would pass the same compare, and a capture be sent twice.
 */
export function changeTimeAfter(compared: string | undefined): string {
  const now = Date.now();
  const after = compared === undefined ? Number.NaN : Date.parse(compared) + 1;
  return new Date(after > now ? after : now).toISOString();
}
