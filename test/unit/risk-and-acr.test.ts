import { describe, expect, it } from 'vitest';
import { DEFAULT_ACR } from '../../provider/fixtures/index.js';
import { inNetworks } from '../../provider/risk/index.js';
import { readAcrRequest } from '../../provider/twofactor/index.js';
import { MalformedAcrRequest } from '../../provider/twofactor/acr-request.js';

describe('trusted networks', () => {
  it('matches IPv4 and IPv6 addresses against CIDR networks', () => {
    const networks = ['192.0.2.0/24', '2001:db8:1::/48'];
    expect(inNetworks('192.0.2.200', networks)).toBe(true);
    expect(inNetworks('192.0.3.1', networks)).toBe(false);
    expect(inNetworks('2001:db8:1:ffff::1', networks)).toBe(true);
    expect(inNetworks('2001:db8:2::1', networks)).toBe(false);
  });

  it('matches an IPv4 client seen on a dual-stack socket', () => {
    expect(inNetworks('::ffff:192.0.2.7', ['192.0.2.0/24'])).toBe(true);
  });

  it('answers for more sets of networks than it keeps built (1000), the first ones included', () => {
    const sets = Array.from({ length: 1500 }, (_, i) => [`10.${Math.floor(i / 256)}.${i % 256}.0/24`]);
    for (const [i, networks] of sets.entries()) expect(inNetworks(`10.${Math.floor(i / 256)}.${i % 256}.9`, networks)).toBe(true);
    expect(inNetworks('10.0.0.9', sets[0]!)).toBe(true);
    expect(inNetworks('10.0.1.9', sets[0]!)).toBe(false);
  });

  it('trusts nothing without networks or with an address that is not one', () => {
    expect(inNetworks('192.0.2.1', [])).toBe(false);
    expect(inNetworks('localhost', ['0.0.0.0/0'])).toBe(false);
  });
});

describe('what a request asks of the authentication', () => {
  it('reads a step-up from the mfa URN or a numeric level at or above 3', () => {
    expect(readAcrRequest({ acr_values: 'urn:idp:vismaconnect:mfa' }, undefined, DEFAULT_ACR).stepUp).toBe(true);
    expect(readAcrRequest({ acr_values: '2 3' }, undefined, DEFAULT_ACR).stepUp).toBe(true);
    expect(readAcrRequest({ acr_values: '4' }, undefined, DEFAULT_ACR).stepUp).toBe(true);
    expect(readAcrRequest({ acr_values: '2' }, undefined, DEFAULT_ACR).stepUp).toBe(false);
    expect(readAcrRequest({}, undefined, DEFAULT_ACR)).toEqual({ stepUp: false, reauthenticate: false, maxAgeSeconds: undefined });
  });

  it('reads an essential acr claim, but not a voluntary one', () => {
    expect(readAcrRequest({}, { essential: true, values: ['urn:idp:vismaconnect:mfa'] }, DEFAULT_ACR).stepUp).toBe(true);
    expect(readAcrRequest({}, { essential: true, value: '3' }, DEFAULT_ACR).stepUp).toBe(true);
    expect(readAcrRequest({}, { values: ['3'] }, DEFAULT_ACR).stepUp).toBe(false);
  });

  it.each([
    ['acr_values as a JSON array, as a request object gives it', { acr_values: '["urn:idp:vismaconnect:mfa"]' }, undefined, 'acr_values must be a string of space-separated values, not a JSON array'],
    ['acr_values that are an array', { acr_values: ['urn:idp:vismaconnect:mfa'] }, undefined, 'acr_values must be a string of space-separated values, not a JSON array'],
    ['acr_values that are an object', { acr_values: { 0: 'urn:idp:vismaconnect:mfa' } }, undefined, 'acr_values must be a string of space-separated values, not a JSON array'],
    ['claim values that are a number', {}, { essential: true, values: 5 }, "the acr claim request's values must be an array of strings"],
    ['claim values that look like an array', {}, { essential: true, values: { length: 2 } }, "the acr claim request's values must be an array of strings"],
    ['a claim value that is not a string', {}, { essential: true, value: 3 }, "the acr claim request's value must be a string"],
    ['a claim that is a string', {}, 'urn:idp:vismaconnect:mfa', 'the acr claim request must be null or an object'],
    ['essential that is not a boolean', {}, { essential: 'yes', values: ['3'] }, "the acr claim request's essential must be true or false"],
  ])('refuses %s, rather than reading no step-up into it', (_name, params, claim, message) => {
    expect(() => readAcrRequest(params, claim, DEFAULT_ACR)).toThrow(new MalformedAcrRequest(message));
  });

  it('reads password re-authentication and max_age', () => {
    expect(readAcrRequest({ acr_values: 'urn:idp:vismaconnect:method:pwd', max_age: '300' }, undefined, DEFAULT_ACR)).toEqual({ stepUp: false, reauthenticate: true, maxAgeSeconds: 300 });
  });

  it('follows acr settings from the fixtures', () => {
    const acr = { password: 'silver', twoFactor: 'gold', stepUp: ['urn:example:strong'], reauthenticate: [] };
    expect(readAcrRequest({ acr_values: 'gold' }, undefined, acr).stepUp).toBe(true);
    expect(readAcrRequest({ acr_values: 'urn:example:strong' }, undefined, acr).stepUp).toBe(true);
    expect(readAcrRequest({ acr_values: 'urn:idp:vismaconnect:mfa' }, undefined, acr).stepUp).toBe(false);
  });
});
