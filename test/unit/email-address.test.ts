import { describe, expect, it } from 'vitest';
import { canonicalEmail } from '../../provider/accounts/email-address.js';

describe("an e-mail address's canonical form", () => {
  it('lower-cases the domain in its ASCII form and keeps the local part as given', () => {
    expect(canonicalEmail(' Anna@Exämple.SE ')).toBe('Anna@xn--exmple-cua.se');
    expect(canonicalEmail('anna@XN--EXMPLE-CUA.se')).toBe('anna@xn--exmple-cua.se');
  });

  it('keeps a domain label of 63 characters', () => {
    expect(canonicalEmail(`a@${'b'.repeat(63)}.se`)).toBe(`a@${'b'.repeat(63)}.se`);
  });

  it.each([
    ['no @', 'anna.exempel.se'],
    ['a domain IDNA refuses', 'x@xn--.se'],
    ['a domain label over 63 characters', `a@${'b'.repeat(64)}.se`],
    ['a local part that is not ASCII', 'åsa@exempel.se'],
    ['a tab inside the domain, which domainToASCII would drop', 'anna@fore\ttaget.se'],
    ['a line break inside the domain', 'anna@fore\ntaget.se'],
    ['a NUL', 'anna\u0000@foretaget.se'],
    ['a soft hyphen inside the domain, which IDNA would drop', 'anna@fore\u00ADtaget.se'],
    ['a zero-width space inside the domain', 'anna@fore\u200Btaget.se'],
    ['a percent-escape in the domain, which domainToASCII would decode', 'anna@%66oretaget.se'],
  ])('has none for %s', (_name, address) => {
    expect(canonicalEmail(address)).toBeUndefined();
  });
});
