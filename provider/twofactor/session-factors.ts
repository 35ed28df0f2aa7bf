/** When the session completed a second factor: its sign-in time, if that sign-in included one (TOTP, a security key, or a passkey: `mfa`). */
export function sessionTwoFactorAt(session: { amr?: string[] | undefined; loginTs?: number | undefined } | undefined): number | undefined {
  return session?.amr?.includes('mfa') ? session.loginTs : undefined;
}
