/** Whether `value` is a URL with one of `protocols` (`'http:'`, ...): what a setting or an option naming a server must be. */
export function isUrlWith(value: unknown, protocols: readonly string[]): value is string {
  if (typeof value !== 'string') return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
