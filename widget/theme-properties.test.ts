import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { THEME_PROPERTIES, THEME_PROPERTY_NAMES } from './theme-properties.js';

/** The exported theme list must be what the styles really read, with the same defaults. */
const styles = readFileSync(new URL('./pay-checkout.styles.ts', import.meta.url), 'utf8');
const darkBlock = styles.slice(styles.indexOf('const dark = css`'), styles.indexOf('`;', styles.indexOf('const dark = css`')));
const lightBlock = styles.slice(styles.indexOf('export const payCheckoutStyles'));

/** `--pay-x` -> its default in `var(--pay-x, default)`, across a block (nested parentheses allowed one level). */
function defaults(block: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of block.matchAll(/var\(\s*(--pay-[\w-]+)\s*,\s*((?:[^()]|\([^()]*\))+)\)/g)) {
    if (!found.has(match[1]!)) found.set(match[1]!, match[2]!.replace(/\s+/g, ' ').trim());
  }
  return found;
}

describe('THEME_PROPERTIES', () => {
  it('names exactly the custom properties the styles read', () => {
    const read = new Set([...styles.matchAll(/var\(\s*(--pay-[\w-]+)/g)].map((match) => match[1]));
    expect([...read].sort()).toEqual([...THEME_PROPERTY_NAMES].sort());
  });

  it('gives the light defaults the styles use', () => {
    const light = defaults(lightBlock);
    for (const name of THEME_PROPERTY_NAMES) expect(light.get(name), name).toBe(THEME_PROPERTIES[name].light.replace(/\s+/g, ' '));
  });

  it('gives the dark defaults the styles use, for every color', () => {
    const dark = defaults(darkBlock);
    const colors = THEME_PROPERTY_NAMES.filter((name) => name.startsWith('--pay-color-'));
    expect(colors.length).toBeGreaterThanOrEqual(8);
    for (const name of colors) expect(dark.get(name), name).toBe(THEME_PROPERTIES[name].dark);
    for (const name of THEME_PROPERTY_NAMES.filter((name) => !name.startsWith('--pay-color-'))) expect(dark.has(name), name).toBe(false);
  });
});
