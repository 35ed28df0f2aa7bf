/** The words of a space-separated parameter (scope, response_type); none when it is absent or not a string. */
export function spaceSeparated(value: unknown): string[] {
  return typeof value === 'string' ? value.split(' ') : [];
}
