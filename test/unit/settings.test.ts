import { describe, expect, it } from 'vitest';
import { defaultSettings, readSettings, settingNames, SettingsError } from '../../provider/config/index.js';

describe('settings from flags and environment', () => {
  it('starts from the embedded defaults', () => {
    expect(readSettings([], {})).toMatchObject({
      port: 5080,
      host: '127.0.0.1',
      issuer: undefined,
      store: 'memory',
      mail: 'embedded',
      smtpPort: 1025,
      mailApiPort: 8025,
      publicApiPort: 5081,
      redisUrl: 'redis://127.0.0.1:6379',
      logLevel: 'info',
      passwordHashCost: 8,
    });
  });

  it('gives the testing library the same defaults as an empty environment, overrides on top', () => {
    expect(defaultSettings()).toEqual(readSettings([], {}));
    expect(defaultSettings({ port: 0, logLevel: 'error' })).toEqual({ ...readSettings([], {}), port: 0, logLevel: 'error' });
  });

  it('names every setting, so the scenario runner can keep them from its child processes', () => {
    expect(settingNames()).toEqual(expect.arrayContaining(['PORT', 'HOST', 'ISSUER', 'FIXTURES', 'STORE', 'REDIS_URL', 'MAIL', 'CONTROL_TOKEN', 'LOG_LEVEL', 'PASSWORD_HASH_COST']));
  });

  it('reads the environment, and flags win over it', () => {
    const settings = readSettings(['--port', '0', '--issuer', 'http://idp.test:9000'], { PORT: '6000', HOST: '0.0.0.0', STORE: 'memory', CONTROL_TOKEN: 't' });
    expect(settings).toMatchObject({ port: 0, host: '0.0.0.0', issuer: 'http://idp.test:9000', controlToken: 't' });
  });

  it('sends CORS headers from the MailHog API only for the one origin MAIL_API_CORS_ORIGIN names', () => {
    expect(readSettings([], {}).mailApiCorsOrigin).toBeUndefined();
    expect(readSettings([], { MAIL_API_CORS_ORIGIN: 'https://mail-ui.test:8443' }).mailApiCorsOrigin).toBe('https://mail-ui.test:8443');
  });

  it('treats an empty variable as unset', () => {
    expect(readSettings([], { PORT: '' }).port).toBe(5080);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty" is not valid: PORT must be a port number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000" is not valid: PORT must be a port number from 0 to 65535'],
    [{ STORE: 'postgres' }, 'STORE="postgres" is not valid: STORE must be one of memory, redis'],
    [{ MAIL: 'sendgrid' }, 'MAIL="sendgrid" is not valid: MAIL must be one of embedded, smtp'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" is not valid: LOG_LEVEL must be one of silent, error, warn, info, debug'],
    [{ ISSUER: 'connect.visma.com' }, 'ISSUER="connect.visma.com" is not valid: ISSUER must be a URL starting with http:// or https://'],
    [{ ISSUER: 'https://connect.visma.com/' }, 'ISSUER="https://connect.visma.com/" is not valid: ISSUER must not end with a slash (Visma Connect: https://connect.visma.com)'],
    [{ REDIS_URL: 'http://redis' }, 'REDIS_URL="http://redis" is not valid: REDIS_URL must be a URL starting with redis:// or rediss://'],
    [{ PUBLIC_API_PORT: '-1' }, 'PUBLIC_API_PORT="-1" is not valid: PUBLIC_API_PORT must be a port number from 0 to 65535'],
    [{ PASSWORD_HASH_COST: '40' }, 'PASSWORD_HASH_COST="40" is not valid: PASSWORD_HASH_COST must be a whole number from 1 to 20 (scrypt N = 2^cost)'],
    ...['*', 'http://localhost:3000/', 'localhost:3000', 'http://localhost:3000/app', 'file:///tmp'].map((origin): [Record<string, string>, string] => [
      { MAIL_API_CORS_ORIGIN: origin },
      `MAIL_API_CORS_ORIGIN=${JSON.stringify(origin)} is not valid: MAIL_API_CORS_ORIGIN must be one origin, scheme, host and port only, such as http://localhost:3000 (not *: any page could read the mail)`,
    ]),
  ])('names the setting and the accepted values for %o', (env, message) => {
    expect(() => readSettings([], env)).toThrow(new SettingsError(message));
  });

  it('names a bad flag and lists the accepted ones', () => {
    expect(() => readSettings(['--prot', '1'], {})).toThrow(/Unknown option '--prot'.*Accepted flags: --port, --host, --issuer, --fixtures, --store, --mail/);
  });

  it('names the flag when a flag has a bad value', () => {
    expect(() => readSettings(['--store', 'disk'], {})).toThrow('STORE="disk" is not valid: STORE must be one of memory, redis');
  });
});
