import type * as z from 'zod';
import { InvalidRequest } from './domain-errors.js';

export interface ParseOptions {
  /** What an unknown field's message ends with; default: the fields the schema knows. */
  unknownFieldHint?: string;
}

/**
 * The body as `schema` reads it, or InvalidRequest with the first problem, naming the field: `email is
 * required`, `items[2].delivery must be "code" or "link"`, `unknown field "mail"; known fields: ...`.
 * A check may give its own error code (`params: {code: 'invalid_email'}`), and a message that names
 * what it is about itself (`params: {standalone: true}`).
 */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown, options: ParseOptions = {}): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = fieldName(issue.path);
  if (issue.code === 'unrecognized_keys') {
    const hint = options.unknownFieldHint ?? `known fields: ${knownFields(schema, issue.path).join(', ')}`;
    throw new InvalidRequest(`unknown field ${issue.keys.map((key) => `"${field ? `${field}.` : ''}${key}"`).join(', ')}; ${hint}`);
  }
  const params = issue.code === 'custom' ? (issue.params as { code?: string; standalone?: boolean } | undefined) : undefined;
  throw new InvalidRequest(field && !params?.standalone ? `${field} ${issue.message}` : issue.message, params?.code);
}

/** `items[2].email`: the path as one writes it in JavaScript. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name ? `${name}.${String(key)}` : String(key)), '');
}

/** The keys of the object schema at the path, where it is one. */
function knownFields(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of path) {
    const def = (current as { def?: { type?: string; shape?: Record<string, unknown>; element?: unknown } }).def;
    current = def?.type === 'array' ? def.element : def?.shape?.[String(key)];
  }
  const shape = (current as { def?: { shape?: Record<string, unknown> } } | undefined)?.def?.shape;
  return shape ? Object.keys(shape) : [];
}
