import type { Theme } from './protocol.js';

/**
 * The merchant's look, carried into the card-entry frame: the element reads the `--pay-*` custom
 * properties as computed on itself and sends them; the frame keeps only names and values that
 * are plain CSS values (colors, lengths, font names, calc() and color functions), so a value can
 * never load anything (no url(), image-set(), @import) nor break out of its declaration.
 */

/** The properties the frame's styles use, with the element's defaults there. */
export const THEME_PROPERTIES = [
  '--pay-font-family',
  '--pay-font-size',
  '--pay-color-primary',
  '--pay-color-text',
  '--pay-color-muted',
  '--pay-color-border',
  '--pay-color-background',
  '--pay-color-error',
  '--pay-radius',
  '--pay-spacing',
  '--pay-density',
] as const;

/** The element's side: the properties set on it or inherited from the page; unset ones are left out. */
export function readTheme(element: Element): Theme {
  const style = getComputedStyle(element);
  const theme: Theme = {};
  for (const name of THEME_PROPERTIES) {
    const value = style.getPropertyValue(name).trim();
    if (value) theme[name] = value;
  }
  return theme;
}

const SAFE_FUNCTIONS = new Set(['rgb', 'rgba', 'hsl', 'hsla', 'hwb', 'lab', 'lch', 'oklab', 'oklch', 'color', 'color-mix', 'calc', 'min', 'max', 'clamp']);

/** Whether a custom property's value is plain enough to apply in the frame. */
export function isSafeThemeValue(value: string): boolean {
  if (value.length === 0 || value.length > 200) return false;
  // No ; { } < > \ @ ! or anything else that could end a declaration or escape a character.
  if (!/^[\w\s#%.,()'"+\-*/]*$/.test(value)) return false;
  const functions = value.match(/[a-z-]+(?=\()/gi) ?? [];
  if (functions.some((name) => !SAFE_FUNCTIONS.has(name.toLowerCase()))) return false;
  // A bare parenthesis without a function name (`(url)`) is no CSS value we need.
  return (value.match(/\(/g) ?? []).length === functions.length;
}

/** The frame's side: the known properties with safe values, the rest dropped. */
export function safeTheme(theme: Theme): Theme {
  const safe: Theme = {};
  for (const name of THEME_PROPERTIES) {
    const value = theme[name];
    if (value !== undefined && isSafeThemeValue(value)) safe[name] = value;
  }
  return safe;
}
