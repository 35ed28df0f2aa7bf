/** When the session completed a second factor: its sign-in time, if that sign-in included one. */
export function sessionTwoFactorAt(session: { amr?: string[] | undefined; loginTs?: number | undefined } | undefined): number | undefined {
  return session?.amr?.includes('otp') ? session.loginTs : undefined;
}
