// What our middleware keeps in Koa's ctx.state (otherwise `any`): the account pages cache the session's id there.
declare module 'koa' {
  interface DefaultState {
    sessionId?: string;
  }
}

export {};
