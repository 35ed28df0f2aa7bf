/** A value as a message about it names it: text quoted, a list or an object by its kind, the rest as it prints. */
export function shownValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' || typeof value === 'boolean' || value === undefined) return String(value);
  return `a ${typeof value}`;
}
