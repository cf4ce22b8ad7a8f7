import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as events from './events.js';

/**
 * The custom-elements.json that `npm run build` generates from the element's JSDoc is the
 * reference editors and docs read: it must name every attribute, event (with its detail), part
 * and custom property the element really has. Parts and properties are taken from the source
 * (every `part="..."` in a template, every `var(--pay-...)` in a style), so one added without its
 * JSDoc line fails here.
 */

const root = new URL('../', import.meta.url);
const manifestPath = new URL('dist/custom-elements.json', root);

interface Named {
  name: string;
  description?: string;
  type?: { text: string };
}

function element() {
  expect(existsSync(manifestPath), 'dist/custom-elements.json is missing: run `npm run build` first').toBe(true);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    modules: { declarations?: ({ tagName?: string; attributes?: Named[]; events?: Named[]; cssParts?: Named[]; cssProperties?: Named[] } & Named)[] }[];
  };
  const declaration = manifest.modules.flatMap((module) => module.declarations ?? []).find((candidate) => candidate.tagName === 'pay-checkout');
  expect(declaration, 'no pay-checkout in the manifest').toBeDefined();
  return declaration!;
}

/** The element's own source files (not tests, not the card form another build replaces). */
function sources(): string[] {
  const files = ['pay-checkout.ts', 'pay-checkout.styles.ts', ...readdirSync(new URL('views/', import.meta.url)).map((file) => `views/${file}`)];
  return files.filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts')).map((file) => readFileSync(new URL(file, import.meta.url), 'utf8'));
}

describe('custom-elements.json', () => {
  it('is referenced from package.json and exported', () => {
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { customElements: string; exports: Record<string, unknown> };
    expect(pkg.customElements).toBe('dist/custom-elements.json');
    expect(pkg.exports['./custom-elements.json']).toBe('./dist/custom-elements.json');
  });

  it('lists the attributes', () => {
    const names = element().attributes?.map((attribute) => attribute.name);
    expect(names).toEqual(expect.arrayContaining(['session', 'endpoint', 'locale']));
    for (const attribute of element().attributes ?? []) expect(attribute.description, attribute.name).toBeTruthy();
  });

  it('lists every event with its class and detail', () => {
    const eventClasses = Object.values(events).filter((value): value is typeof events.PayReadyEvent => typeof value === 'function' && 'eventName' in value);
    expect(eventClasses.length).toBeGreaterThanOrEqual(4);
    const listed = element().events ?? [];
    for (const eventClass of eventClasses) {
      const entry = listed.find((event) => event.name === eventClass.eventName);
      expect(entry, eventClass.eventName).toBeDefined();
      expect(entry!.type?.text).toBe(eventClass.name);
      expect(entry!.description).toMatch(/`detail: /);
    }
  });

  it('lists every part the templates use', () => {
    const used = new Set(sources().flatMap((source) => [...source.matchAll(/\bpart="([\w\s-]+)"/g)].flatMap((match) => match[1]!.split(/\s+/))));
    used.delete('');
    expect(used.size).toBeGreaterThan(5);
    const listed = new Set(element().cssParts?.map((part) => part.name));
    expect([...used].filter((part) => !listed.has(part))).toEqual([]);
  });

  it('lists every custom property the styles read, with a description', () => {
    const used = new Set(sources().flatMap((source) => [...source.matchAll(/var\(\s*(--pay-[\w-]+)/g)].map((match) => match[1]!)));
    expect(used.size).toBeGreaterThan(5);
    const listed = element().cssProperties ?? [];
    expect([...used].filter((name) => !listed.some((property) => property.name === name))).toEqual([]);
    for (const property of listed) expect(property.description, property.name).toBeTruthy();
  });
});
