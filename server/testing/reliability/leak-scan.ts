import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { passesLuhn } from '../../security/card-masking.js';
import { timed, type ScenarioResult } from './result.js';

/** Files that are compressed or images: their bytes say nothing readable. */
const OPAQUE = /\.(zip|png|jpe?g|webp|gif|woff2?|gz)$/i;

export interface LeakNeedles {
  cardNumbers: string[];
  securityCodes: string[];
}

/**
 * The test card numbers and security codes the test suites type: Luhn-valid 13 to 19 digit runs
 * (grouped or not) and the values typed into "Security code" fields or sent as securityCode.
 */
export function needlesFrom(sourceFiles: readonly string[]): LeakNeedles {
  const cardNumbers = new Set<string>();
  const securityCodes = new Set<string>();
  for (const file of sourceFiles) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?<![\w])\d(?:[ -]?\d){12,18}(?![\w])/g)) {
      const digits = match[0].replace(/\D/g, '');
      if (passesLuhn(digits) && !/^(\d)\1+$/.test(digits)) cardNumbers.add(digits);
    }
    for (const match of text.matchAll(/(?:name: 'Security code' \}\)\.fill\(|securityCode: |SECURITY_CODE = )'(\d{3,4})'/g)) securityCodes.add(match[1]!);
  }
  return { cardNumbers: [...cardNumbers].sort(), securityCodes: [...securityCodes].sort() };
}

export function sourceFilesUnder(dirs: readonly string[], pattern: RegExp): string[] {
  return dirs.flatMap((dir) => walk(dir)).filter((file) => pattern.test(file));
}

function walk(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/**
 * Leak scan: every log, database and test artifact under `roots`, read as bytes, searched for the
 * test card numbers (plain, or grouped by spaces or dashes) and the security codes next to a card
 * field name (in JSON or a form body).
 */
export function leakScan(options: { roots: readonly string[]; needles: LeakNeedles; base: string; what: string }): Promise<ScenarioResult> {
  return timed(async () => {
    const files = options.roots.flatMap((root) => (statSafe(root)?.isDirectory() ? walk(root) : statSafe(root) ? [root] : []));
    const readable = files.filter((file) => !OPAQUE.test(file));
    const cardPatterns = options.needles.cardNumbers.map((digits) => new RegExp(digits.split('').join('[ -]?')));
    const codePatterns = options.needles.securityCodes.map(
      // Three digits alone are everywhere (a content-length of 123): a code counts next to a card field's name.
      (code) => new RegExp(`(?:"(?:securityCode|security_code|cvv|cvv2|cvc|cvc2|cvn)"\\s*:\\s*"?${code}\\b|\\b(?:securityCode|security_code|cvv|cvc|cvv2)=${code}\\b)`, 'i'),
    );
    const hits: string[] = [];
    let bytes = 0;
    for (const file of readable) {
      const text = readFileSync(file).toString('latin1');
      bytes += text.length;
      for (const [i, pattern] of cardPatterns.entries()) if (pattern.test(text)) hits.push(`${relative(options.base, file)}: card ${options.needles.cardNumbers[i]!.slice(0, 6)}…`);
      for (const [i, pattern] of codePatterns.entries()) if (pattern.test(text)) hits.push(`${relative(options.base, file)}: security code ${options.needles.securityCodes[i]}`);
    }
    return {
      scenario: 'Leak scan',
      load: `${options.what}: ${readable.length} files, ${(bytes / 1e6).toFixed(1)} MB read (${files.length - readable.length} images or archives skipped), for ${options.needles.cardNumbers.length} test card numbers and ${options.needles.securityCodes.length} security codes`,
      figures: `${hits.length} occurrences`,
      passed: hits.length === 0 && readable.length > 0 && options.needles.cardNumbers.length > 0,
      problems: hits.slice(0, 10),
    };
  });
}

function statSafe(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
