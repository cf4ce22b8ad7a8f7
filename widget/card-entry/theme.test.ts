import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isSafeThemeValue, safeTheme, THEME_PROPERTIES } from './theme.js';

describe('theme values the frame applies', () => {
  it('accepts colors, lengths, font lists and CSS functions of colors and sizes', () => {
    for (const value of [
      '#0f766e',
      'rgb(15 118 110 / 80%)',
      'oklch(0.6 0.1 200)',
      'color-mix(in srgb, #fff 20%, transparent)',
      "'Inter', system-ui, sans-serif",
      '"Segoe UI", Arial',
      '12px',
      'calc(1rem + 2px)',
      'clamp(4px, 1vw, 12px)',
    ]) {
      expect(isSafeThemeValue(value), value).toBe(true);
    }
  });

  it('refuses anything that could load something or end its declaration', () => {
    for (const value of [
      'url(https://evil.example/x.png)',
      'image-set("x.png" 1x)',
      'red; background: url(x)',
      'red } body { display: none',
      '\\75 rl(x)',
      'expression(alert(1))',
      '@import "x"',
      'red !important',
      '(url)',
      'attr(data-x)',
      '',
      'x'.repeat(201),
    ]) {
      expect(isSafeThemeValue(value), value).toBe(false);
    }
  });

  it('keeps only the properties the frame uses, with safe values', () => {
    expect(
      safeTheme({
        '--pay-color-primary': '#0f766e',
        '--pay-radius': 'url(x)',
        '--pay-made-up': '#fff',
        '--pay-font-family': 'Georgia, serif',
      }),
    ).toEqual({ '--pay-color-primary': '#0f766e', '--pay-font-family': 'Georgia, serif' });
    expect(THEME_PROPERTIES.every((name) => name.startsWith('--pay-'))).toBe(true);
  });

  it("takes exactly the properties the frame's styles read, the density among them", () => {
    const styles = readFileSync(new URL('./card-entry.css', import.meta.url), 'utf8');
    const read = new Set([...styles.matchAll(/var\(\s*(--pay-[\w-]+)/g)].map((match) => match[1]));
    expect([...read].sort()).toEqual([...THEME_PROPERTIES].sort());
    expect(safeTheme({ '--pay-density': '1.25' })).toEqual({ '--pay-density': '1.25' });
  });
});
