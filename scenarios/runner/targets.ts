import { spawn } from 'node:child_process';
import { projectPath } from '../../provider/config/paths.js';
import { exchange } from '../../provider/testing/web/exchange.js';
import type { Target } from './world.js';

export interface RunningTarget extends Target {
  stop(): Promise<void>;
}

/** A server someone else runs (`--url`). */
export async function remoteTarget(url: string, controlToken: string | undefined): Promise<RunningTarget> {
  const base = url.replace(/\/$/, '');
  const response = await exchange(`${base}/.well-known/openid-configuration`).catch((error: Error) => {
    throw new Error(`nothing answers at ${base} (${error.message})`);
  });
  if (response.status !== 200) throw new Error(`${base} has no discovery document (status ${response.status})`);
  const { issuer } = JSON.parse(response.text) as { issuer: string };
  return { url: base, issuer, controlToken, stop: async () => {} };
}

/** An emulator in this process: the fastest start, for one scenario at a time. */
export async function inProcessTarget(fixturesPath: string | undefined): Promise<RunningTarget> {
  const { startEmulator, defaultSettings } = await import('../../provider/index.js');
  const emulator = await startEmulator(defaultSettings({ port: 0, smtpPort: 0, mailApiPort: 0, publicApiPort: 0, logLevel: 'error', mailRetrySeconds: 0.5, ...(fixturesPath && { fixturesPath }) }));
  return { url: emulator.url, issuer: emulator.issuer, controlToken: undefined, stop: () => emulator.close() };
}

const BIN = projectPath('bin', 'mock-visma-connect.js');

/**
 * An emulator in a process of its own (parallel runs), set up as the
 * in-process one is: none of its settings come from the runner's environment (in a container that
 * says HOST=0.0.0.0, ISSUER, MAIL=smtp, which are the container's server's).
 */
export async function childProcessTarget(fixturesPath: string | undefined): Promise<RunningTarget> {
  const settings = new Set((await import('../../provider/config/index.js')).settingNames());
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !settings.has(name)));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--port', '0', ...(fixturesPath ? ['--fixtures', fixturesPath] : [])], {
      env: { ...env, SMTP_PORT: '0', MAIL_API_PORT: '0', PUBLIC_API_PORT: '0', LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk) => (err += chunk));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const url = /ready on (\S+)/.exec(out)?.[1];
      const issuer = /issuer\s+(\S+)/.exec(out)?.[1];
      if (url && issuer) {
        resolve({
          url,
          issuer,
          controlToken: undefined,
          stop: () =>
            new Promise((done) => {
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code}: ${err.trim()}`)));
  });
}
