import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SessionExpiryController, WARN_BEFORE_MS } from './session-expiry-controller.js';

function harness() {
  const host = { addController: vi.fn(), requestUpdate: vi.fn(), removeController: vi.fn(), updateComplete: Promise.resolve(true) };
  const onExpiring = vi.fn();
  const controller = new SessionExpiryController(host, { onExpiring });
  controller.hostConnected();
  return { host, onExpiring, controller };
}

describe('SessionExpiryController', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2026-01-01T12:00:00Z'));
  });
  afterEach(() => vi.useRealTimers());

  it('warns a minute before the end, then marks the session expired at the end', () => {
    const { onExpiring, controller, host } = harness();
    controller.watch('2026-01-01T12:15:00Z');
    vi.advanceTimersByTime(15 * 60_000 - WARN_BEFORE_MS - 1);
    expect(onExpiring).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onExpiring).toHaveBeenCalledWith('2026-01-01T12:15:00Z', 60);
    expect(controller.expired).toBe(false);
    vi.advanceTimersByTime(WARN_BEFORE_MS);
    expect(controller.expired).toBe(true);
    expect(host.requestUpdate).toHaveBeenCalled();
    expect(onExpiring).toHaveBeenCalledTimes(1);
  });

  it('warns at once when less than a minute is left, and a past date is expired at once', () => {
    const { onExpiring, controller } = harness();
    controller.watch('2026-01-01T12:00:30Z');
    vi.advanceTimersByTime(0);
    expect(onExpiring).toHaveBeenCalledWith('2026-01-01T12:00:30Z', 30);
    controller.watch('2026-01-01T11:59:00Z');
    expect(controller.expired).toBe(true);
  });

  it('starts over with a new expiry (a renewed token), and stops when disconnected', () => {
    const { onExpiring, controller } = harness();
    controller.watch('2026-01-01T12:01:00Z');
    controller.watch('2026-01-01T12:30:00Z');
    vi.advanceTimersByTime(2 * 60_000);
    expect(onExpiring).not.toHaveBeenCalled();
    expect(controller.expired).toBe(false);
    controller.hostDisconnected();
    vi.advanceTimersByTime(60 * 60_000);
    expect(onExpiring).not.toHaveBeenCalled();
    expect(controller.expired).toBe(false);
  });
});
