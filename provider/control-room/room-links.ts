import type { Context } from 'koa';

/** Links inside the control plane, carrying `?token=` when the room was opened with one (CONTROL_TOKEN set). */
export interface RoomLinks {
  /** The token to carry in a GET form, if any. */
  token: string | undefined;
  to(path: string, params?: Record<string, string>, fragment?: string): string;
}

export function roomLinks(ctx: Context): RoomLinks {
  const token = typeof ctx.query['token'] === 'string' ? ctx.query['token'] : undefined;
  return {
    token,
    to(path, params = {}, fragment) {
      const query = new URLSearchParams({ ...params, ...(token !== undefined && { token }) }).toString();
      return `${path}${query ? `?${query}` : ''}${fragment ? `#${fragment}` : ''}`;
    },
  };
}
