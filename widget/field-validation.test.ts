import { describe, expect, it } from 'vitest';
import type { MethodField } from '../server/api/widget-api.js';
import { collectFieldValues, compilePattern, validateFields } from './field-validation.js';

const phone: MethodField = { key: 'phone', label: 'Phone', pattern: '^\\+?\\d{10,12}$', example: '+79001234567', required: true, type: 'string' };
const note: MethodField = { key: 'note', label: 'Note', required: false, type: 'string' };

describe('validateFields', () => {
  it('requires required fields', () => {
    expect(validateFields([phone, note], {})).toEqual({ phone: 'This field is required.' });
    expect(validateFields([phone], { phone: '   ' })).toEqual({ phone: 'This field is required.' });
  });

  it("checks a filled field against its pattern, naming the field's example", () => {
    expect(validateFields([phone], { phone: '12ab' })).toEqual({ phone: 'Enter a valid value, for example +79001234567.' });
    expect(validateFields([phone], { phone: ' +79001234567 ' })).toEqual({});
  });

  it('treats a pattern JavaScript cannot compile as no pattern', () => {
    expect(compilePattern('([')).toBeUndefined();
    expect(validateFields([{ ...note, pattern: '([' }], { note: 'anything' })).toEqual({});
  });
});

describe('collectFieldValues', () => {
  it("sends the method's own fields, trimmed, without empty optional ones", () => {
    expect(collectFieldValues([phone, note], { phone: ' 1 ', note: '', other: 'x' })).toEqual({ phone: '1' });
  });
});
