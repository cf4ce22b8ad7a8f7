/** A provider's answer body as JSON, or undefined when it is empty or not JSON (an HTML error page). */
export function parseJsonBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
