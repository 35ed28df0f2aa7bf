import { readSettings, SettingsError } from './config/index.js';
import { FixtureError } from './fixtures/index.js';
import { createLogger } from './http/index.js';
import { SigningKeysError } from './oidc/index.js';
import { DEFAULT_FIXTURES_PATH, startEmulator, StartupError } from './server.js';

const KNOWN_ERRORS = [SettingsError, FixtureError, SigningKeysError, StartupError];

/** `mock-visma-connect [--port N] [--host H] [--issuer URL] [--fixtures FILE] [--store S] [--mail M]`, or `mock-visma-connect scenarios run …` */
export async function main(argv = process.argv.slice(2), env = process.env): Promise<void> {
  if (argv[0] === 'scenarios') {
    const { scenariosCli } = await import('../scenarios/runner/cli.js');
    process.exitCode = await scenariosCli(argv.slice(1));
    return;
  }
  try {
    const settings = readSettings(argv, env);
    const logger = createLogger(settings.logLevel);
    const starting = startEmulator(settings, logger);
    // Listened for from the start: a signal while the server is still starting (its ports may already
    // answer) closes it once started, with the same clean exit.
    const stop = (signal: string) => {
      logger.info(`${signal}: closing`);
      starting
        .then((emulator) => emulator.close())
        .then(
          () => process.exit(0),
          () => process.exit(1),
        );
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
    const emulator = await starting;
    process.stdout.write(
      `mock-visma-connect ready on ${emulator.url}\n` +
        `  issuer     ${emulator.issuer}\n` +
        `  discovery  ${emulator.issuer}/.well-known/openid-configuration\n` +
        `  public API ${emulator.publicApiUrl}/v1.0\n` +
        `  fixtures   ${settings.fixturesPath ?? DEFAULT_FIXTURES_PATH}\n` +
        `  store      ${settings.store}${settings.store === 'redis' ? ` (${settings.redisUrl}, prefix ${settings.redisPrefix})` : ''}\n` +
        (emulator.mail ? `  mail       SMTP 127.0.0.1:${emulator.mail.smtpPort}, MailHog API ${emulator.mail.apiUrl}/api/v2/messages, mailbox ${emulator.url}/_mock/mail\n` : `  mail       SMTP ${settings.smtpUrl}\n`),
    );
  } catch (error) {
    if (KNOWN_ERRORS.some((kind) => error instanceof kind)) {
      process.stderr.write(`mock-visma-connect: ${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
