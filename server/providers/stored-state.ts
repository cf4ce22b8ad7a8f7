import type { z } from 'zod';
import { parseJsonBody } from './parse-json.js';

/** A value an adapter kept in the proxy's store (Store.getProviderState), read by its schema; undefined when absent or unreadable. */
export function readStoredState<T>(text: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (text === undefined) return undefined;
  const parsed = schema.safeParse(parseJsonBody(text));
  return parsed.success ? parsed.data : undefined;
}
