import { request, type IncomingHttpHeaders } from 'node:http';

/** A request: its method (GET), headers and body (a string, sent with its length). */
export interface Asking {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** An answer: its status, its headers as Node reads them (`set-cookie` a list) and its body as text. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/**
 * One HTTP exchange, following no redirect: what the testing library and the scenario runner send
 * their requests with. Not `fetch`: Node loads undici, which `fetch` and `Headers` are, on their first
 * use, ~25 ms of each test process's first sign-in, while node:http is loaded already (an in-process
 * emulator serves with it). An `https:` URL goes through node:https, loaded when first asked for.
 */
export async function exchange(url: string, asking: Asking = {}): Promise<Answer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? (await import('node:https')).request : request;
  const headers = asking.body === undefined ? asking.headers : { ...asking.headers, 'content-length': String(Buffer.byteLength(asking.body)) };
  return new Promise((resolve, reject) => {
    const outgoing = send(target, { method: asking.method ?? 'GET', headers }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => (text += chunk));
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, text }));
      incoming.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(asking.body);
  });
}

/** The answer's headers as a `Headers` (made when first asked for: it loads undici). */
export function headersOf(headers: IncomingHttpHeaders): Headers {
  const made = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (Array.isArray(value)) for (const one of value) made.append(name, one);
    else if (value !== undefined) made.set(name, value);
  }
  return made;
}
