import { cpSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The files the compiled proxy reads at run time, copied beside it in dist/ where its relative
 * paths look for them: the element's language catalogs and the demo shop's stylesheet and script.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
for (const folder of ['widget/locales', 'demo/public']) {
  cpSync(`${root}${folder}`, `${root}dist/${folder}`, { recursive: true });
}
