/**
 * A language tag in canonical form (`tr-TR`, `zh-Hant-TW`), or undefined for an empty or
 * malformed one. `en_US`, the way many server frameworks write locales, is read as `en-US`.
 */
export function canonicalLocale(tag: string | null | undefined): string | undefined {
  const trimmed = tag?.trim().replace(/_/g, '-');
  if (!trimmed) return undefined;
  try {
    return Intl.getCanonicalLocales(trimmed)[0];
  } catch {
    return undefined;
  }
}

/**
 * The language the shopper reads and the amounts are written in: the element's `locale`
 * attribute, else the browser's language. Undefined leaves the choice to the session's locale.
 */
export function wantedLocale(attribute: string | null | undefined): string | undefined {
  return canonicalLocale(attribute) ?? canonicalLocale(typeof navigator !== 'undefined' ? navigator.language : undefined);
}
