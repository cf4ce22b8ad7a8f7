import { describe, expect, it } from 'vitest';
import { GroupFlush } from './group-flush.js';

/** A flush that finishes only when the test says so, recording when each one started. */
function controlledFlush() {
  const started: { finish: () => void; fail: (error: Error) => void }[] = [];
  const flush = () =>
    new Promise<void>((resolve, reject) => {
      started.push({ finish: resolve, fail: reject });
    });
  return { started, flush };
}

const settled = async (promise: Promise<unknown>) => {
  let state = 'pending';
  promise.then(() => (state = 'resolved'), () => (state = 'rejected'));
  await new Promise((resolve) => setImmediate(resolve));
  return state;
};

describe('GroupFlush', () => {
  it('starts a flush at once when none runs, and resolves when it ends', async () => {
    const { started, flush } = controlledFlush();
    const group = new GroupFlush(flush);
    const first = group.sync();
    expect(started).toHaveLength(1);
    expect(await settled(first)).toBe('pending');
    started[0]!.finish();
    expect(await settled(first)).toBe('resolved');
  });

  it('makes a caller who arrives during a flush wait for the next one, shared by every such caller', async () => {
    const { started, flush } = controlledFlush();
    const group = new GroupFlush(flush);
    const first = group.sync();
    const second = group.sync();
    const third = group.sync();
    expect(started).toHaveLength(1);
    started[0]!.finish();
    expect(await settled(first)).toBe('resolved');
    // The running flush may have begun before their writes: they are not done with it.
    expect(await settled(second)).toBe('pending');
    expect(started).toHaveLength(2);
    started[1]!.finish();
    expect(await settled(second)).toBe('resolved');
    expect(await settled(third)).toBe('resolved');
    expect(started).toHaveLength(2);
  });

  it('reports a failed flush to its waiters, and a later caller gets a fresh flush', async () => {
    const { started, flush } = controlledFlush();
    const group = new GroupFlush(flush);
    const first = group.sync();
    const second = group.sync();
    started[0]!.fail(new Error('EIO'));
    await expect(first).rejects.toThrow('EIO');
    // A failed flush proves nothing about the writes of the caller queued behind it: it gets its own.
    expect(await settled(second)).toBe('pending');
    started[1]!.finish();
    await expect(second).resolves.toBeUndefined();
    const third = group.sync();
    expect(started).toHaveLength(3);
    started[2]!.finish();
    await expect(third).resolves.toBeUndefined();
  });
});
