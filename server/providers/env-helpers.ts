import { z } from 'zod';

/**
 * The pieces every provider's `env.ts` is built from, so each folder declares its own variables
 * and rules without copying validation code, and config.ts stays ignorant of provider names.
 */

// `abort` stops a string that is no URL at all from also failing the scheme check: one message, not two.
export const httpUrl = z
  .url({ message: 'must be an absolute http(s) URL', abort: true })
  .refine((value) => /^https?:\/\//.test(value), 'must be an absolute http(s) URL');

export const optionalText = z.string().trim().min(1).optional();

/** Base URLs are scheme and host; adapters append the documented paths, so a trailing slash would double up. */
export function withoutTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The parsed values of a slice's variables. */
export type EnvValues<Shape extends z.ZodRawShape> = z.output<z.ZodObject<Shape>>;

/**
 * One provider's slice of the environment: its variables, the rules that tie them together, and
 * how they become the credentials its adapter takes. Without credentials `read` returns undefined,
 * and in sandbox mode the provider is served by its simulator.
 */
export interface ProviderEnv<Shape extends z.ZodRawShape, Credentials> {
  shape: Shape;
  /** Cross-variable rules, reported on the variable that is missing or wrong. */
  check(values: EnvValues<Shape>, ctx: z.RefinementCtx): void;
  read(values: EnvValues<Shape>): Credentials | undefined;
}

/** Ties a slice's shape to its rules and reader, so `values` is typed from the shape. */
export function defineProviderEnv<Shape extends z.ZodRawShape, Credentials>(
  env: ProviderEnv<Shape, Credentials>,
): ProviderEnv<Shape, Credentials> {
  return env;
}

/** Either all of `names` are set or none: on a partial set, each missing one gets an issue naming what was set. */
export function requireTogether<Values extends Record<string, unknown>>(
  values: Values,
  names: readonly (keyof Values & string)[],
  ctx: z.RefinementCtx,
): void {
  const set = names.filter((name) => values[name] !== undefined);
  if (set.length === 0 || set.length === names.length) return;
  for (const name of names.filter((n) => values[n] === undefined)) {
    ctx.addIssue({ code: 'custom', path: [name], message: `is required when ${set.join(', ')} ${set.length > 1 ? 'are' : 'is'} set` });
  }
}
