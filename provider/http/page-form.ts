import type { Context } from 'koa';
import * as z from 'zod';
import { MESSAGES, type MessageKey } from '../i18n/index.js';
import { readFormFields, type FormFields } from './form-fields.js';

// The fields of our pages' forms, each with the message (a key: the page shows it in its language)
// its page shows when the field is refused. Text the user types gets that field's own message
// (`emailInvalid`, `codeWrong`); what the page itself sends (a checkbox, a button, a hidden field)
// gets `formNotAsSent`: only a hand-made post gets that wrong.

const NOT_AS_SENT: MessageKey = 'formNotAsSent';

/** Typed text, at most `max` characters (after trimming, with `trim`); absent reads as empty. */
export function typedText(message: MessageKey, { max, trim = false }: { max: number; trim?: boolean }) {
  const text = z.string({ error: message });
  return (trim ? text.trim() : text).max(max, { error: message }).default('');
}

/** A checkbox: ticked when sent with its value (`true`, or a browser's default `on`); `false` or absent is not ticked. */
export const checkbox = () =>
  z
    .enum(['true', 'on', 'false'], { error: NOT_AS_SENT })
    .optional()
    .transform((value) => value === 'true' || value === 'on');

/** One of the page's choices (radio buttons, or the buttons sharing a name). */
export const choiceOf = <const Values extends readonly [string, ...string[]]>(values: Values, message: MessageKey = NOT_AS_SENT) => z.enum(values, { error: message });

/** A hidden field the page's script fills in. */
export const hiddenText = (max: number, message: MessageKey = NOT_AS_SENT) => z.string({ error: message }).max(max, { error: message }).optional();

const isMessageKey = (message: string): message is MessageKey => Object.hasOwn(MESSAGES.en, message);

/** A page's form read through `schema` (built from the fields above): the fields, or the first refused one with its message. */
export async function readPageForm<Schema extends z.ZodType>(ctx: Context, schema: Schema): Promise<FormFields<z.output<Schema>, MessageKey>> {
  const read = await readFormFields(ctx, schema);
  if (!read.problem) return read;
  const { field, message } = read.problem;
  return { problem: { field, message: isMessageKey(message) ? message : NOT_AS_SENT } };
}
