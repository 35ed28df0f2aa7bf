import { HttpError } from './http-error.js';

/** Refuses fields the endpoint does not know, naming them and the ones it does. */
export function onlyFields(body: Record<string, unknown>, known: readonly string[]): void {
  const unknown = Object.keys(body).filter((key) => !known.includes(key));
  if (unknown.length) {
    throw new HttpError(400, 'invalid_request', `unknown field ${unknown.map((k) => `"${k}"`).join(', ')}; known fields: ${known.join(', ')}`);
  }
}

export function optionalBoolean(body: Record<string, unknown>, name: string): boolean | undefined {
  const value = body[name];
  if (value !== undefined && typeof value !== 'boolean') throw new HttpError(400, 'invalid_request', `${name} must be true or false`);
  return value;
}

export function requiredString(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== 'string' || value.trim() === '') throw new HttpError(400, 'invalid_request', `${name} is required (a string)`);
  return value.trim();
}

export function optionalString(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  if (value !== undefined && typeof value !== 'string') throw new HttpError(400, 'invalid_request', `${name} must be a string`);
  return value;
}
