import type { MethodField } from '../server/api/widget-api.js';
import { english, type Translate } from './strings.js';

/** Error messages by field key; a field without an entry is valid. */
export type FieldErrors = Record<string, string>;

/**
 * Checks the shopper's values for a method's fields: required ones must be filled, filled ones
 * must match the field's pattern. The proxy validates again; this is only to answer quickly.
 * The messages are in the language of `t`.
 */
export function validateFields(
  fields: readonly MethodField[],
  values: Readonly<Record<string, string>>,
  t: Translate = english,
): FieldErrors {
  const errors: FieldErrors = {};
  for (const field of fields) {
    const value = (values[field.key] ?? '').trim();
    if (!value) {
      if (field.required) errors[field.key] = t('fieldRequired');
      continue;
    }
    const pattern = compilePattern(field.pattern);
    if (pattern && !pattern.test(value)) {
      errors[field.key] = field.example ? t('fieldInvalidExample', { example: field.example }) : t('fieldInvalid');
    }
  }
  return errors;
}

/** The values to send for a method: its own fields only, trimmed, empty optional ones left out. */
export function collectFieldValues(
  fields: readonly MethodField[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const collected: Record<string, string> = {};
  for (const field of fields) {
    const value = (values[field.key] ?? '').trim();
    if (value) collected[field.key] = value;
  }
  return collected;
}

/** A provider's pattern as a RegExp; one JavaScript cannot compile counts as no pattern. */
export function compilePattern(pattern: string | undefined): RegExp | undefined {
  if (!pattern) return undefined;
  try {
    return new RegExp(pattern);
  } catch {
    return undefined;
  }
}
