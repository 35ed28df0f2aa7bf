import type { ParsedUrlQuery } from 'node:querystring';

/**
 * The one value of a query parameter, trimmed ('' when it is absent). A parameter given more than once
 * is refused with `refuse(reason)`, rather than read as absent ("email is required" for `?email=a&email=b`).
 */
export function queryValue(query: ParsedUrlQuery, name: string, refuse: (reason: string) => Error): string {
  const value = query[name];
  if (Array.isArray(value)) throw refuse(`${name} must be given once`);
  return (value ?? '').trim();
}
