/** A small browser for tests: reads the forms of an HTML page, as a browser would submit them. */
export interface Form {
  action: string;
  fields: Record<string, string>;
  id?: string;
}

export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_m, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name] ?? _m);
}

export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)].map((match) => {
    const attributes = match[1] ?? '';
    const action = unescapeHtml(/action="([^"]*)"/.exec(attributes)?.[1] ?? '');
    const id = /id="([^"]*)"/.exec(attributes)?.[1];
    const fields: Record<string, string> = {};
    for (const input of (match[2] ?? '').matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
      fields[unescapeHtml(input[1] ?? '')] = unescapeHtml(input[2] ?? '');
    }
    return { action, fields, ...(id ? { id } : {}) };
  });
}

