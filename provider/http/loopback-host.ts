import { isIP } from 'node:net';

/**
 * A request addressed to this machine by name: `localhost`, an IPv4 literal in 127.0.0.0/8 or `[::1]`
 * (a Koa `ctx.hostname`, no port). A page that rebinds its own DNS name to 127.0.0.1 still sends that
 * name, so it is not one of these.
 */
export function isLoopbackHostname(hostname: string): boolean {
  const name = hostname.toLowerCase();
  return name === 'localhost' || name === '[::1]' || (isIP(name) === 4 && name.startsWith('127.'));
}
