import { isIP } from 'node:net';
import type { LevelWithSilent } from 'pino';
import { z } from 'zod';
import { httpUrl, requireTogether } from './providers/env-helpers.js';
import type { ProviderId } from './providers/provider.js';
import { simulatorFaultSettings, SimulatorFaultsError, type SimulatorFaultSettings } from './providers/simulator-faults.js';
import { checkProviderEnvs, PROVIDER_ENV_SHAPE, readProviderCredentials, type ProviderCredentials } from './providers/provider-envs.js';

/**
 * Every environment variable of the architecture's contract, parsed by one zod schema.
 * `loadConfig(env)` is pure: it never reads process.env itself, so tests pass their own.
 */

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** pino's levels, and `silent`; the compiler holds the list to pino's own names. */
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const satisfies readonly LevelWithSilent[];

const envSchema = z
  .object({
    PORT: z.coerce.number({ message: 'must be a port number from 0 to 65535' }).int().min(0).max(65535).default(3000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    PUBLIC_URL: httpUrl.optional(),
    ALLOWED_ORIGINS: z.string().optional(),
    MERCHANT_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
    MERCHANT_WEBHOOK_URL: httpUrl.optional(),
    MERCHANT_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
    /** The secret being rotated out; while set, webhooks carry a signature by each. */
    MERCHANT_WEBHOOK_SECRET_PREVIOUS: z.string().min(16, 'must be at least 16 characters').optional(),
    DATA_DIR: z.string().trim().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://...')
      .optional(),
    SESSION_TTL_SECONDS: z.coerce.number({ message: 'must be a whole number of seconds from 60 to 86400' }).int().min(60).max(86_400).default(900),
    SESSION_SIGNING_JWK: z.string().optional(),
    /** Absent: true until a provider has credentials (see loadConfig). */
    SANDBOX: booleanFlag.optional(),
    TRUST_PROXY: z.string().trim().default('loopback'),
    /** Browser-facing requests per minute from one IP, and for one checkout session; 0: no limit. */
    RATE_LIMIT_PER_IP: z.coerce.number({ message: 'must be a whole number of requests per minute, 0 (no limit) or more' }).int().min(0).default(600),
    RATE_LIMIT_PER_SESSION: z.coerce.number({ message: 'must be a whole number of requests per minute, 0 (no limit) or more' }).int().min(0).default(120),
    /** How often unsettled payments quiet for as long are looked up at their provider. */
    RECONCILE_INTERVAL_SECONDS: z.coerce.number({ message: 'must be a whole number of seconds from 1 to 86400' }).int().min(1).max(86_400).default(60),
    LOG_LEVEL: z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    // Each provider's variables (MILKYPAY_*, PAYMENTHUB_*, ...) come from its own env.ts.
    ...PROVIDER_ENV_SHAPE,
  })
  .superRefine((env, ctx) => {
    checkProviderEnvs(env, ctx);
    requireTogether(env, ['MERCHANT_WEBHOOK_URL', 'MERCHANT_WEBHOOK_SECRET'], ctx);
    if (env.MERCHANT_WEBHOOK_SECRET_PREVIOUS !== undefined && !env.MERCHANT_WEBHOOK_SECRET) {
      ctx.addIssue({ code: 'custom', path: ['MERCHANT_WEBHOOK_SECRET_PREVIOUS'], message: 'needs MERCHANT_WEBHOOK_SECRET (the new secret) as well' });
    }
    // Instances sharing one PostgreSQL must share these too: a key generated into one instance's
    // DATA_DIR would make the others refuse its session tokens and its merchant's calls.
    if (env.DATABASE_URL?.startsWith('postgres')) {
      for (const name of ['SESSION_SIGNING_JWK', 'MERCHANT_API_KEY'] as const) {
        if (!env[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'is required with a postgres:// DATABASE_URL, the same for every instance' });
      }
    }
    if (env.SANDBOX === false && !env.MERCHANT_API_KEY) {
      ctx.addIssue({ code: 'custom', path: ['MERCHANT_API_KEY'], message: 'is required when SANDBOX is false' });
    }
  });

const SIMULATED_PROVIDERS: readonly ProviderId[] = ['milkypay', 'paymenthub', 'directcard', 'hankopay', 'hpay'];

export type Env = Record<string, string | undefined>;

/** Every variable the proxy reads: the schema's, and each simulator's faults (readSimulatorFaults). */
export const ENV_VARIABLES: readonly string[] = [
  ...Object.keys(envSchema.shape),
  'SIMULATOR_FAULTS',
  ...SIMULATED_PROVIDERS.map((id) => `${id.toUpperCase()}_SIMULATOR_FAULTS`),
];

export interface Config {
  port: number;
  host: string;
  /** The proxy's public origin and path prefix, without a trailing slash. */
  publicUrl: string;
  allowedOrigins: string[];
  /** Required when SANDBOX=false; otherwise, when unset, one is generated and kept in DATA_DIR. */
  merchantApiKey?: string;
  merchantWebhook?: { url: string; secret: string; previousSecret?: string };
  dataDir: string;
  databaseUrl: string;
  sessionTtlSeconds: number;
  sessionSigningJwk?: string;
  sandbox: boolean;
  /**
   * Which peers' X-Forwarded-For is believed for the client IP (Express's `trust proxy`): the
   * addresses or subnets of the load balancers, or how many proxy hops stand in front.
   */
  trustProxy: string[] | number | false;
  /** How often the reconciler runs, and how long a payment must have been quiet to be looked up. */
  reconcileIntervalSeconds: number;
  rateLimits: { perIpPerMinute: number; perSessionPerMinute: number };
  /** The lowest level logged (LOG_LEVEL). */
  logLevel: (typeof LOG_LEVELS)[number];
  /** Faults the simulators inject (SIMULATOR_FAULTS, <PROVIDER>_SIMULATOR_FAULTS); absent: none. */
  simulatorFaults: Partial<Record<ProviderId, SimulatorFaultSettings>>;
  /** Real-provider credentials; a provider absent here is served by its simulator in sandbox mode. */
  providers: ProviderCredentials;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Env): Config {
  // Blank values mean "not set", as in most .env files.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`));
  }
  const e = parsed.data;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const allowedOrigins = parseOrigins(e.ALLOWED_ORIGINS) ?? [new URL(publicUrl).origin];
  const providers = readProviderCredentials(e);

  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    allowedOrigins,
    merchantApiKey: e.MERCHANT_API_KEY,
    merchantWebhook:
      e.MERCHANT_WEBHOOK_URL && e.MERCHANT_WEBHOOK_SECRET
        ? { url: e.MERCHANT_WEBHOOK_URL, secret: e.MERCHANT_WEBHOOK_SECRET, ...(e.MERCHANT_WEBHOOK_SECRET_PREVIOUS ? { previousSecret: e.MERCHANT_WEBHOOK_SECRET_PREVIOUS } : {}) }
        : undefined,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL ?? `sqlite:${e.DATA_DIR.replace(/\/+$/, '')}/checkout.db`,
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    sessionSigningJwk: e.SESSION_SIGNING_JWK,
    // Once one provider takes real money, a simulator beside it would let a shopper "pay" a real
    // order with a test card, and the merchant's backend could not tell: simulators then run only
    // when SANDBOX=true says so.
    sandbox: e.SANDBOX ?? Object.keys(providers).length === 0,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    reconcileIntervalSeconds: e.RECONCILE_INTERVAL_SECONDS,
    rateLimits: { perIpPerMinute: e.RATE_LIMIT_PER_IP, perSessionPerMinute: e.RATE_LIMIT_PER_SESSION },
    logLevel: e.LOG_LEVEL,
    simulatorFaults: readSimulatorFaults(present),
    providers,
  };
}

/** Subnet names Express knows, besides addresses and CIDR ranges. */
const NAMED_SUBNETS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * TRUST_PROXY: `false` (no proxy: the peer is the client), a hop count (`1`), or addresses, CIDR
 * ranges and Express's subnet names, comma separated (`loopback,10.0.0.0/8`). Trusting every peer
 * (`true`) is refused: any client could then choose its own IP.
 */
function parseTrustProxy(value: string): string[] | number | false {
  if (value === 'false' || value === 'none') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((item) => item.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !NAMED_SUBNETS.has(entry) && !isAddressOrRange(entry));
  if (bad.length > 0 || entries.length === 0) {
    throw new ConfigError([
      `TRUST_PROXY "${bad.join(',') || value}" is not false, a hop count, or addresses and CIDR ranges like loopback,10.0.0.0/8`,
    ]);
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d+$/.test(prefix) && Number(prefix) <= (version === 4 ? 32 : 128);
}

function readSimulatorFaults(env: Env): Partial<Record<ProviderId, SimulatorFaultSettings>> {
  try {
    return Object.fromEntries(
      SIMULATED_PROVIDERS.flatMap((id) => {
        const settings = simulatorFaultSettings(env, id);
        return settings ? [[id, settings]] : [];
      }),
    );
  } catch (error) {
    if (error instanceof SimulatorFaultsError) throw new ConfigError([error.message]);
    throw error;
  }
}

function parseOrigins(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const origins = value.split(',').map((item) => item.trim()).filter(Boolean);
  const problems: string[] = [];
  const normalized = origins.map((origin) => {
    try {
      const url = new URL(origin);
      if (url.origin !== origin.replace(/\/$/, '') || !/^https?:$/.test(url.protocol)) throw new Error();
      return url.origin;
    } catch {
      problems.push(`ALLOWED_ORIGINS "${origin}" is not an origin like https://shop.example`);
      return origin;
    }
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return normalized;
}
