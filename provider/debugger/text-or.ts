/** A value from an untyped answer or metadata as text: strings as they are, numbers and booleans written out, anything else the fallback. */
export function textOr(value: unknown, fallback: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return fallback;
}
