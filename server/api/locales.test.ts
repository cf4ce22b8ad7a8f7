import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const reads = vi.hoisted(() => ({ readdir: 0, readFile: 0 }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...fs,
    readdir: ((...args: Parameters<typeof fs.readdir>) => {
      reads.readdir += 1;
      return fs.readdir(...args);
    }) as typeof fs.readdir,
    readFile: ((...args: Parameters<typeof fs.readFile>) => {
      reads.readFile += 1;
      return fs.readFile(...args);
    }) as typeof fs.readFile,
  };
});

const { DEFAULT_LOCALES_DIR, LocaleCatalogs } = await import('./locales.js');

const dirs: string[] = [];
function catalogDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'pay-locales-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  reads.readdir = 0;
  reads.readFile = 0;
});

describe('LocaleCatalogs', () => {
  it('matches the exact tag, then its language, else English (undefined)', async () => {
    const catalogs = new LocaleCatalogs({
      dir: catalogDir({ 'tr.json': { pay: '{amount} Öde' }, 'pt-BR.json': { pay: 'Pagar {amount}' }, 'notes.txt': 'x' }),
    });
    expect(await catalogs.resolve('tr')).toEqual({ locale: 'tr', messages: { pay: '{amount} Öde' } });
    expect(await catalogs.resolve('tr-TR')).toMatchObject({ locale: 'tr' });
    expect(await catalogs.resolve('pt-br')).toMatchObject({ locale: 'pt-BR' });
    expect(await catalogs.resolve('pt-PT')).toBeUndefined();
    expect(await catalogs.resolve('en-US')).toBeUndefined();
    expect(await catalogs.resolve('de')).toBeUndefined();
  });

  it('reads nothing when created, then the folder once and each catalog once', async () => {
    const catalogs = new LocaleCatalogs({ dir: catalogDir({ 'ja.json': { pay: '{amount}を支払う' } }) });
    expect(reads).toEqual({ readdir: 0, readFile: 0 });
    await Promise.all([catalogs.resolve('ja'), catalogs.resolve('ja-JP'), catalogs.resolve('de')]);
    await catalogs.resolve('ja');
    expect(reads).toEqual({ readdir: 1, readFile: 1 });
  });

  it('answers English only when the folder is missing', async () => {
    const catalogs = new LocaleCatalogs({ dir: join(tmpdir(), 'pay-locales-none-here') });
    expect(await catalogs.resolve('tr')).toBeUndefined();
  });

  it('refuses a catalog that is not non-empty strings, and tries again next time', async () => {
    const dir = catalogDir({ 'tr.json': { pay: '' } });
    const catalogs = new LocaleCatalogs({ dir });
    await expect(catalogs.resolve('tr')).rejects.toThrow(/tr\.json is not a catalog of non-empty strings/);
    writeFileSync(join(dir, 'tr.json'), JSON.stringify({ pay: '{amount} Öde' }));
    expect(await catalogs.resolve('tr')).toMatchObject({ locale: 'tr' });
  });

  it('finds the catalogs shipped with the element', async () => {
    const catalogs = new LocaleCatalogs({ dir: DEFAULT_LOCALES_DIR });
    for (const tag of ['id', 'ja', 'ru', 'th', 'tr', 'uk']) {
      expect((await catalogs.resolve(tag))?.messages.pay, tag).toContain('{amount}');
    }
  });
});
