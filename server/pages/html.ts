const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);
}

/** A tagged template that escapes every interpolated value unless it is wrapped in `raw()`. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): RawHtml {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    const text = Array.isArray(value)
      ? value.map((item) => (item instanceof RawHtml ? item.value : escapeHtml(item))).join('')
      : value instanceof RawHtml
        ? value.value
        : escapeHtml(value ?? '');
    out += text + (strings[index + 1] ?? '');
  });
  return new RawHtml(out);
}

export class RawHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}
