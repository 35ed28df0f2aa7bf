import mailhog from 'mailhog';
import type { RunningEmulator } from '../../provider/index.js';

/** A client_credentials token for the provisioning API, got over HTTP as the HRM does. */
export async function apiToken(emulator: RunningEmulator, clientId: string, secret: string, extra: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${emulator.url}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'connect:users', ...extra }),
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export interface ApiAnswer {
  status: number;
  body: any;
}

export function apiClient(emulator: RunningEmulator, token: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<ApiAnswer> => {
    const response = await fetch(`${emulator.url}/api/v1${path}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** A JSON post to the emulator's control plane (`/_mock`), as a test script sends it: the status and the parsed answer. */
export async function postControl(emulatorUrl: string, path: string, body: unknown): Promise<ApiAnswer> {
  const response = await fetch(`${emulatorUrl}/_mock${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** The npm `mailhog` client, pointed at the emulator's embedded MailHog API. */
export function mailClient(emulator: RunningEmulator) {
  const url = new URL(emulator.mail!.apiUrl);
  return mailhog({ host: url.hostname, port: Number(url.port) });
}

export const linkIn = (text: string, path: string): string => {
  const match = new RegExp(`https?://\\S+${path.replace('/', '\\/')}\\S*`).exec(text);
  if (!match) throw new Error(`no ${path} link in:\n${text}`);
  return match[0];
};
