/** Authentication context classes: numeric levels as Visma Connect issues them, plus its URNs. */
export const ACR = {
  password: '2',
  twoFactor: '3',
  mfaUrn: 'urn:idp:vismaconnect:mfa',
  passwordUrn: 'urn:idp:vismaconnect:method:pwd',
} as const;

export const AMR_PASSWORD = ['pwd'];
