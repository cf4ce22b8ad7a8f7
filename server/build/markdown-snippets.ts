import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced code block of a markdown file, as a reader copies it (its list indentation removed). */
export interface Snippet {
  /** `README.md:70`: the file and the line of the opening fence. */
  where: string;
  /** The fence's language (`sh`, `ts`, ...); '' for none. */
  language: string;
  code: string;
}

const FENCE = /^([ \t]*)```([\w-]*)[^\n]*\n([\s\S]*?)\n\1```[ \t]*$/gm;

export function markdownSnippets(root: string, file: string): Snippet[] {
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(FENCE)].map((match) => {
    const [, indent, language, code] = match as unknown as [string, string, string, string];
    return {
      where: `${file}:${text.slice(0, match.index).split('\n').length}`,
      language,
      code: code.split('\n').map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line)).join('\n'),
    };
  });
}
