import type { z } from 'zod';
import { directcardEnv } from './directcard/env.js';
import type { EnvValues, ProviderEnv } from './env-helpers.js';
import { hankopayEnv } from './hankopay/env.js';
import { hpayEnv } from './hpay/env.js';
import { milkypayEnv } from './milkypay/env.js';
import { paymenthubEnv } from './paymenthub/env.js';
import type { ProviderId } from './provider.js';

/**
 * Every provider's environment slice, by id. Kept apart from registry.ts and the adapters so that
 * config.ts can validate every provider's variables without loading any provider code.
 * A new provider adds its `env.ts` here, beside its line in the registry.
 */
export const PROVIDER_ENVS = {
  milkypay: milkypayEnv,
  paymenthub: paymenthubEnv,
  directcard: directcardEnv,
  hankopay: hankopayEnv,
  hpay: hpayEnv,
} satisfies { [Id in ProviderId]: ProviderEnv<z.ZodRawShape, unknown> };

type ProviderEnvs = typeof PROVIDER_ENVS;

type CredentialsOf<Env> = Env extends ProviderEnv<z.ZodRawShape, infer Credentials> ? Credentials : never;

/** Real credentials per provider; a provider absent here is served by its simulator in sandbox mode. */
export type ProviderCredentials = { [Id in keyof ProviderEnvs]?: CredentialsOf<ProviderEnvs[Id]> };

type UnionToIntersection<U> = (U extends unknown ? (union: U) => void : never) extends (intersection: infer I) => void ? I : never;

/** Every provider's variables in one zod shape, typed as all slices' shapes together. */
export type ProviderEnvShape = UnionToIntersection<ProviderEnvs[keyof ProviderEnvs]['shape']>;

export const PROVIDER_ENV_SHAPE = Object.assign({}, ...Object.values(PROVIDER_ENVS).map((env) => env.shape)) as ProviderEnvShape;

/** Runs every slice's cross-variable rules; `values` is the parse of a schema that includes PROVIDER_ENV_SHAPE. */
export function checkProviderEnvs(values: EnvValues<ProviderEnvShape>, ctx: z.RefinementCtx): void {
  for (const env of Object.values(PROVIDER_ENVS)) env.check(values, ctx);
}

export function readProviderCredentials(values: EnvValues<ProviderEnvShape>): ProviderCredentials {
  // Each slice reads only its own variables from the shared parse; ids without credentials are left out.
  const entries = Object.entries(PROVIDER_ENVS).map(([id, env]) => [id, env.read(values)] as const);
  return Object.fromEntries(entries.filter(([, credentials]) => credentials !== undefined)) as ProviderCredentials;
}
