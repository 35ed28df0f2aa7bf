import { describe, expect, it } from 'vitest';
import { fill } from '../../provider/http/views.js';

describe('fill, which puts names and addresses into page messages', () => {
  it.each([["Acme $' AB"], ['Acme $& AB'], ['Acme $` AB'], ['Acme $$ AB'], ['Acme $1 AB'], ['Acme $<name> AB']])('puts %s in as it is written', (name) => {
    expect(fill('to continue to {client}.', { client: name })).toBe(`to continue to ${name}.`);
  });

  it('fills every placeholder it has a value for and leaves the others', () => {
    expect(fill('{email} {email} {client} {toString}', { email: 'a@b.se' })).toBe('a@b.se a@b.se {client} {toString}');
  });
});
