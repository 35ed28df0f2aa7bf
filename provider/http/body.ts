import { TextDecoder } from 'node:util';
import type { Context } from 'koa';
import { BodyTooLarge, InvalidRequest, UnsupportedMediaType } from '../errors/index.js';

const LIMIT_BYTES = 64 * 1024;

/**
 * The raw body as text, at most 64 KiB (413 beyond), decoded in the charset its Content-Type names
 * (UTF-8 when it names none). A compressed body (Content-Encoding other than identity) or a charset
 * there is no decoder for is a 415: read as UTF-8, either would have been stored garbled.
 */
export async function readText(ctx: Context): Promise<string> {
  const coding = compressedWith(ctx);
  if (coding !== undefined) throw new UnsupportedMediaType(`send the body uncompressed: Content-Encoding ${coding} is not accepted`);
  const decoder = decoderFor(ctx.request.charset);
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > LIMIT_BYTES) throw new BodyTooLarge(`the request body is larger than ${LIMIT_BYTES} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > LIMIT_BYTES) throw new BodyTooLarge(`the request body is larger than ${LIMIT_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  return decoder ? decoder.decode(body) : body.toString('utf8');
}

/** The Content-Encoding a body is compressed with; undefined when it is as it is (none, or `identity`). */
export function compressedWith(ctx: Context): string | undefined {
  const coding = ctx.get('content-encoding').trim().toLowerCase();
  return coding === '' || coding === 'identity' ? undefined : coding;
}

/** A decoder for a declared charset other than UTF-8 (none for UTF-8 itself: Buffer decodes it faster). */
function decoderFor(charset: string): TextDecoder | undefined {
  const label = charset.trim().toLowerCase();
  if (label === '' || label === 'utf-8' || label === 'utf8') return undefined;
  try {
    return new TextDecoder(label);
  } catch {
    throw new UnsupportedMediaType(`send the body in UTF-8: charset ${label} is not one this server can read`);
  }
}

/** A form's fields as sent: a name sent twice (`a=1&a=2`) is a list, as Koa's body parsers give it. */
export type SentForm = Record<string, string | string[]>;

const forms = new WeakMap<Context['req'], Promise<SentForm>>();

/**
 * An HTML form post (`application/x-www-form-urlencoded`), as sent; routes read it through a schema
 * (form-fields.ts). Read once per request, so a guard and the route both see it.
 */
export function readSentForm(ctx: Context): Promise<SentForm> {
  let form = forms.get(ctx.req);
  if (!form) {
    form = parseForm(ctx);
    forms.set(ctx.req, form);
  }
  return form;
}

async function parseForm(ctx: Context): Promise<SentForm> {
  if (!ctx.is('application/x-www-form-urlencoded')) return {};
  // Appended in place: a list copied at each repeat costs quadratic time in a field sent thousands of times.
  const form = new Map<string, string[]>();
  for (const [key, value] of new URLSearchParams(await readText(ctx))) {
    const values = form.get(key);
    if (values) values.push(value);
    else form.set(key, [value]);
  }
  return Object.fromEntries([...form].map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
}

/** A JSON object body; an empty body is `{}`. Anything else is a 400 with a reason. */
export async function readJson(ctx: Context): Promise<Record<string, unknown>> {
  const text = await readText(ctx);
  if (text.trim() === '') return {};
  if (!ctx.is('application/json')) throw new UnsupportedMediaType('send the body as application/json');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequest(`the body is not valid JSON: ${(error as Error).message}`);
  }
  // Laravel's Http client (the reference SDK's) sends [] for a POST without data: nothing, as no body is.
  if (Array.isArray(value) && value.length === 0) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidRequest('the body must be a JSON object');
  if (!wellFormed(value)) throw new InvalidRequest('the body holds text that is not well-formed Unicode (a lone surrogate such as \\ud800), which no client could read back');
  return value as Record<string, unknown>;
}

/** A lone surrogate: in a `u` expression a pair is one code point, so only an unpaired half matches. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Every string in a parsed JSON value (keys too) is well-formed UTF-16: `"\ud800"` parses, but nothing
 * strict reads it back. Walked with a list, not by recursion: a body may nest thousands of levels deep.
 */
function wellFormed(parsed: unknown): boolean {
  const waiting: unknown[] = [parsed];
  for (let value = waiting.pop(); waiting.length > 0 || value !== undefined; value = waiting.pop()) {
    if (typeof value === 'string' && LONE_SURROGATE.test(value)) return false;
    if (Array.isArray(value)) waiting.push(...(value as unknown[]));
    else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return false;
        waiting.push(item);
      }
    }
  }
  return true;
}
