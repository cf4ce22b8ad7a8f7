/**
 * The element's theme: every `--pay-*` custom property it reads, with its light and dark
 * defaults. One list, so that whatever must follow the host page's theme (the card-entry frame
 * copies the host's computed values of these into its own document) and the documentation agree
 * with the styles (widget/theme-properties.test.ts checks the styles read exactly these).
 */
export const THEME_PROPERTIES = {
  '--pay-font-family': { light: "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif", dark: undefined },
  '--pay-font-size': { light: '16px', dark: undefined },
  '--pay-color-primary': { light: '#2563eb', dark: '#60a5fa' },
  '--pay-color-on-primary': { light: '#ffffff', dark: '#0b1220' },
  '--pay-color-text': { light: '#1f2937', dark: '#e5e7eb' },
  '--pay-color-muted': { light: '#6b7280', dark: '#9ca3af' },
  '--pay-color-border': { light: '#d1d5db', dark: '#374151' },
  '--pay-color-background': { light: '#ffffff', dark: '#111827' },
  '--pay-color-error': { light: '#dc2626', dark: '#f87171' },
  '--pay-color-success': { light: '#16a34a', dark: '#4ade80' },
  '--pay-radius': { light: '8px', dark: undefined },
  '--pay-spacing': { light: '16px', dark: undefined },
  '--pay-density': { light: '1', dark: undefined },
} as const satisfies Record<`--pay-${string}`, { light: string; dark: string | undefined }>;

export type ThemeProperty = keyof typeof THEME_PROPERTIES;

/** The names alone, for copying a host's computed values (`getComputedStyle(host).getPropertyValue(name)`). */
export const THEME_PROPERTY_NAMES = Object.keys(THEME_PROPERTIES) as ThemeProperty[];
