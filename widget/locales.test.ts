import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en } from './strings.js';

/**
 * Every language besides English is a catalog in widget/locales that the proxy sends with the
 * checkout. A catalog must say everything English says, with the same placeholders, so no
 * shopper ever reads a blank, a stray `{amount}`, or a missing amount.
 */

const LOCALES_DIR = new URL('./locales/', import.meta.url);
const REQUIRED = ['id', 'ja', 'ru', 'th', 'tr', 'uk'];

const files = readdirSync(LOCALES_DIR).filter((file) => file.endsWith('.json'));
const catalogs = files.map((file) => ({
  tag: file.slice(0, -'.json'.length),
  messages: JSON.parse(readFileSync(new URL(file, LOCALES_DIR), 'utf8')) as Record<string, unknown>,
}));

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

describe('the English catalog', () => {
  it("keeps the contract's accessible names exactly", () => {
    expect(en).toMatchObject({
      cardNumber: 'Card number',
      expiryDate: 'Expiry date',
      securityCode: 'Security code',
      nameOnCard: 'Name on card',
      installments: 'Installments',
      frameTitle3ds: '3-D Secure verification',
      methodsLegend: 'Payment method',
      pay: 'Pay {amount}',
    });
  });
});

describe('the language catalogs', () => {
  it(`include ${REQUIRED.join(', ')}, each named by a canonical language tag other than English`, () => {
    expect(catalogs.map((catalog) => catalog.tag)).toEqual(expect.arrayContaining(REQUIRED));
    for (const { tag } of catalogs) {
      expect(Intl.getCanonicalLocales(tag)[0], tag).toBe(tag);
      expect(tag.split('-')[0], `${tag}: English is compiled into the element`).not.toBe('en');
    }
  });

  describe.each(catalogs)('$tag', ({ tag, messages }) => {
    it('has exactly the keys of English', () => {
      expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    });

    it('has only non-empty texts, with the placeholders of English', () => {
      for (const [key, english] of Object.entries(en)) {
        const text = messages[key];
        expect(typeof text, `${tag}.${key}`).toBe('string');
        expect((text as string).trim(), `${tag}.${key}`).not.toBe('');
        expect(placeholders(text as string), `${tag}.${key}`).toEqual(placeholders(english));
      }
    });

    it('is not English left untranslated', () => {
      const untranslated = Object.keys(en).filter((key) => messages[key] === en[key as keyof typeof en]);
      expect(untranslated, tag).toEqual([]);
    });
  });
});
