import { describe, expect, it } from 'vitest';
import { PROVIDER_ENVS } from './provider-envs.js';

describe('PROVIDER_ENVS', () => {
  it('keeps each provider to variables under its own prefix, so no two slices can overwrite each other', () => {
    for (const [id, env] of Object.entries(PROVIDER_ENVS)) {
      for (const name of Object.keys(env.shape)) expect(name.startsWith(`${id.toUpperCase()}_`), `${id}: ${name}`).toBe(true);
    }
  });
});
