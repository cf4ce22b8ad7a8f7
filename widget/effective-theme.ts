import { THEME_PROPERTIES, THEME_PROPERTY_NAMES } from './theme-properties.js';

/**
 * The theme as the element shows it, for the card-entry frame, which cannot see the element's
 * styles: every `--pay-*` property set on the element or inherited from the page and, for the
 * colors left unset, the dark defaults when the element is dark (`theme="dark"`, or a dark
 * preference without `theme="light"`). Light defaults are the frame's own.
 */
export function effectiveTheme(element: Element): Record<string, string> {
  const style = getComputedStyle(element);
  const theme = element.getAttribute('theme');
  const dark = theme === 'dark' || (theme !== 'light' && typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches);
  const values: Record<string, string> = {};
  for (const name of THEME_PROPERTY_NAMES) {
    const value = style.getPropertyValue(name).trim() || (dark ? THEME_PROPERTIES[name].dark : undefined);
    if (value) values[name] = value;
  }
  return values;
}
