import type { Context } from 'koa';
import type * as z from 'zod';
import { readSentForm } from './body.js';

/** The first field a form's schema refused: its name (the input's id, mostly) and the schema's message for it. */
export interface FieldProblem<Message extends string = string> {
  field: string;
  message: Message;
}

export type FormFields<Fields, Message extends string = string> = { fields: Fields; problem?: undefined } | { fields?: undefined; problem: FieldProblem<Message> };

/**
 * An HTML form post read through `schema`, an object of the fields the route uses; other fields (the
 * form token, a pressed button) pass unread. A field the schema refuses (missing, too long, sent
 * twice, not one of the choices) is the problem the route shows on its page: never a 500.
 */
export async function readFormFields<Schema extends z.ZodType>(ctx: Context, schema: Schema): Promise<FormFields<z.output<Schema>>> {
  const parsed = schema.safeParse(await readSentForm(ctx));
  if (parsed.success) return { fields: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { problem: { field: String(issue.path[0] ?? ''), message: issue.message } };
}
