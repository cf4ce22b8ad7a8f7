import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Fault injection for the provider simulators, one mechanism for all of them, switched on by
 * configuration:
 *
 *     SIMULATOR_FAULTS=error_rate=0.2,latency_ms=50,drop_callbacks=0.1,duplicate_callbacks=0.3,reorder_callbacks=true
 *     MILKYPAY_SIMULATOR_FAULTS=error_rate=0.5     (per simulator; its keys override SIMULATOR_FAULTS')
 *
 * - error_rate: share of API requests answered with the simulator's own documented 500. Half of
 *   them fail before the request is processed, half after (the work is done, the answer is lost),
 *   which is what a timeout looks like from the caller's side.
 * - latency_ms: added before every API request is processed.
 * - drop_callbacks / duplicate_callbacks: share of callbacks never sent / sent twice.
 * - reorder_callbacks: each callback waits a random 0 to 250 ms, so a later one may overtake it.
 *
 * A simulator plugs it in with two calls: `faults.api(() => itsOwnServerError)` in front of its API
 * routes, and `faults.sendCallback(() => postIt())` around each callback it sends.
 */
export interface SimulatorFaultSettings {
  errorRate: number;
  latencyMs: number;
  dropCallbacks: number;
  duplicateCallbacks: number;
  reorderCallbacks: boolean;
}

export const NO_FAULTS: SimulatorFaultSettings = { errorRate: 0, latencyMs: 0, dropCallbacks: 0, duplicateCallbacks: 0, reorderCallbacks: false };

/** How long a reordered callback may be held back. */
const REORDER_WINDOW_MS = 250;

const KEYS = {
  error_rate: 'errorRate',
  latency_ms: 'latencyMs',
  drop_callbacks: 'dropCallbacks',
  duplicate_callbacks: 'duplicateCallbacks',
  reorder_callbacks: 'reorderCallbacks',
} as const satisfies Record<string, keyof SimulatorFaultSettings>;

export class SimulatorFaultsError extends Error {}

/** Parses `key=value,...` onto `base`; throws SimulatorFaultsError naming the variable and the key. */
export function parseSimulatorFaults(spec: string, variable: string, base: SimulatorFaultSettings = NO_FAULTS): SimulatorFaultSettings {
  const settings = { ...base };
  for (const item of spec.split(',').map((part) => part.trim()).filter(Boolean)) {
    const [name = '', value = '', extra] = item.split('=').map((part) => part.trim());
    const key = KEYS[name as keyof typeof KEYS];
    if (!key || extra !== undefined) throw new SimulatorFaultsError(`${variable}: unknown setting "${item}"; use ${Object.keys(KEYS).join(', ')}`);
    if (key === 'reorderCallbacks') {
      if (!['true', 'false', '1', '0'].includes(value)) throw new SimulatorFaultsError(`${variable}: ${name} must be true or false`);
      settings.reorderCallbacks = value === 'true' || value === '1';
      continue;
    }
    const number = Number(value);
    const isRate = key !== 'latencyMs';
    if (value === '' || !Number.isFinite(number) || number < 0 || (isRate && number > 1) || (!isRate && number > 60_000)) {
      throw new SimulatorFaultsError(`${variable}: ${name} must be ${isRate ? 'a share from 0 to 1' : 'milliseconds from 0 to 60000'}`);
    }
    settings[key] = number;
  }
  return settings;
}

/** The settings for one simulator from SIMULATOR_FAULTS and `<PROVIDER>_SIMULATOR_FAULTS`; undefined when neither is set. */
export function simulatorFaultSettings(env: Record<string, string | undefined>, provider: string): SimulatorFaultSettings | undefined {
  const shared = env.SIMULATOR_FAULTS?.trim();
  const ownName = `${provider.toUpperCase()}_SIMULATOR_FAULTS`;
  const own = env[ownName]?.trim();
  if (!shared && !own) return undefined;
  const base = shared ? parseSimulatorFaults(shared, 'SIMULATOR_FAULTS') : NO_FAULTS;
  return own ? parseSimulatorFaults(own, ownName, base) : base;
}

export interface SimulatorFaultCounts {
  requests: number;
  failedBefore: number;
  failedAfter: number;
  callbacks: number;
  dropped: number;
  duplicated: number;
  reordered: number;
}

export class SimulatorFaults {
  readonly counts: SimulatorFaultCounts = { requests: 0, failedBefore: 0, failedAfter: 0, callbacks: 0, dropped: 0, duplicated: 0, reordered: 0 };

  /** `settings` may be changed at any time (tests switch faults on and off). */
  constructor(
    public settings: SimulatorFaultSettings = { ...NO_FAULTS },
    private readonly random: () => number = Math.random,
  ) {}

  /** Middleware for a simulator's API routes; `serverError` is the simulator's own documented 500. */
  api(serverError: () => unknown): RequestHandler {
    return (_req: Request, res: Response, next: NextFunction) => {
      this.counts.requests++;
      const { errorRate, latencyMs } = this.settings;
      const proceed = () => {
        if (errorRate === 0 || this.random() >= errorRate) return next();
        if (this.random() < 0.5) {
          this.counts.failedBefore++;
          return next(serverError());
        }
        const countFailed = () => this.counts.failedAfter++;
        loseAnswer(
          res,
          () => {
            countFailed();
            next(serverError());
          },
          countFailed,
        );
        next();
      };
      if (latencyMs > 0) setTimeout(proceed, latencyMs);
      else proceed();
    };
  }

  /**
   * Sends a callback through the faults: maybe not at all, maybe twice, maybe late. Resolves when
   * every copy has been posted (at once for a dropped one); a failed post is the simulator's to log.
   */
  async sendCallback(post: () => Promise<unknown>): Promise<void> {
    this.counts.callbacks++;
    const { dropCallbacks, duplicateCallbacks, reorderCallbacks } = this.settings;
    if (dropCallbacks > 0 && this.random() < dropCallbacks) {
      this.counts.dropped++;
      return;
    }
    const copies = duplicateCallbacks > 0 && this.random() < duplicateCallbacks ? 2 : 1;
    if (copies === 2) this.counts.duplicated++;
    if (reorderCallbacks) this.counts.reordered++;
    await Promise.all(
      Array.from({ length: copies }, async () => {
        const delay = reorderCallbacks ? Math.floor(this.random() * REORDER_WINDOW_MS) : 0;
        if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
        await post().catch(() => undefined);
      }),
    );
  }
}

/** Lets the handler do its work, then replaces its answer with the error `fail` produces. */
function loseAnswer(res: Response, fail: () => void, countFailed: () => void): void {
  const originals = { json: res.json, send: res.send, redirect: res.redirect };
  const restore = () => Object.assign(res, originals);
  const swallowing = <K extends keyof typeof originals>(name: K) =>
    function (this: Response, ...args: unknown[]) {
      restore();
      // A refusal is already the error handler's answer: passing a 500 to it a second time would end
      // in Express's HTML page. It goes out as a 500 in the simulator's own error shape instead.
      if (res.statusCode >= 400) {
        countFailed();
        res.status(500);
        return (originals[name] as (...a: unknown[]) => unknown).apply(res, args);
      }
      fail();
      return res;
    } as unknown as Response[K];
  res.json = swallowing('json');
  res.send = swallowing('send');
  res.redirect = swallowing('redirect');
}

/** The injector for configured settings, or none. */
export function faultsOf(settings: SimulatorFaultSettings | undefined): SimulatorFaults | undefined {
  return settings ? new SimulatorFaults({ ...settings }) : undefined;
}
