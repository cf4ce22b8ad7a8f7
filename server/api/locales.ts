import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The element's texts in languages other than English, which is compiled into the element.
 * Each language is a catalog `widget/locales/<tag>.json` (keys and `{placeholders}` of
 * widget/strings.ts). The proxy sends the one the shopper needs inside the checkout answer, so a
 * language costs the element no request of its own.
 */

/** The catalogs shipped beside the element's source. */
export const DEFAULT_LOCALES_DIR = fileURLToPath(new URL('../../widget/locales/', import.meta.url));

export interface LocaleCatalog {
  /** The catalog's tag, as its file is named (`tr`, `pt-BR`). */
  locale: string;
  messages: Record<string, string>;
}

const CATALOG_FILE = /^([A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*)\.json$/;
const catalogSchema = z.record(z.string(), z.string().min(1));

/**
 * Finds and reads catalogs. Nothing is read until the first checkout asks: the folder's listing
 * then, and each catalog when a shopper first wants its language; both are kept for the life of
 * the process (catalogs change only with a release). A failed read is not kept, so the next
 * request tries again.
 */
export class LocaleCatalogs {
  private readonly dir: string;
  /** Lower-cased tag -> the tag as the file names it. */
  private tags: Promise<Map<string, string>> | undefined;
  private readonly catalogs = new Map<string, Promise<LocaleCatalog>>();

  constructor(options: { dir?: string } = {}) {
    this.dir = options.dir ?? DEFAULT_LOCALES_DIR;
  }

  /**
   * The catalog for a wanted language tag: the exact tag, else its language (`tr-TR` -> `tr`).
   * Undefined means English, the element's own.
   */
  async resolve(wanted: string): Promise<LocaleCatalog | undefined> {
    const tags = await this.availableTags();
    const exact = wanted.toLowerCase();
    const tag = tags.get(exact) ?? tags.get(exact.split('-')[0] ?? '');
    return tag === undefined ? undefined : this.catalog(tag);
  }

  private availableTags(): Promise<Map<string, string>> {
    this.tags ??= this.listTags().catch((error: unknown) => {
      this.tags = undefined;
      throw error;
    });
    return this.tags;
  }

  private async listTags(): Promise<Map<string, string>> {
    let files: string[];
    try {
      files = await readdir(this.dir);
    } catch (error) {
      // No folder: a deployment with English only.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
      throw error;
    }
    const tags = new Map<string, string>();
    for (const file of files) {
      const tag = CATALOG_FILE.exec(file)?.[1];
      if (tag) tags.set(tag.toLowerCase(), tag);
    }
    return tags;
  }

  private catalog(tag: string): Promise<LocaleCatalog> {
    let catalog = this.catalogs.get(tag);
    if (!catalog) {
      catalog = this.readCatalog(tag).catch((error: unknown) => {
        this.catalogs.delete(tag);
        throw error;
      });
      this.catalogs.set(tag, catalog);
    }
    return catalog;
  }

  private async readCatalog(tag: string): Promise<LocaleCatalog> {
    const file = join(this.dir, `${tag}.json`);
    const parsed = catalogSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not a catalog of non-empty strings: ${parsed.error.issues[0]?.message}`);
    return { locale: tag, messages: parsed.data };
  }
}
