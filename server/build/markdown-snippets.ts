import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A fenced code block of a markdown file, as a reader copies it (its list indentation removed). */
export interface Snippet {
  file: string;
  /** The line of the opening fence; the code's first line is the next one. */
  line: number;
  /** `README.md:70`, for messages. */
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
    const line = text.slice(0, match.index).split('\n').length;
    return {
      file,
      line,
      where: `${file}:${line}`,
      language,
      code: code.split('\n').map((codeLine) => (codeLine.startsWith(indent) ? codeLine.slice(indent.length) : codeLine)).join('\n'),
    };
  });
}
