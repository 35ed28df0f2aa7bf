import { randomBytes } from 'node:crypto';

/**
 * MailHog's data model (github.com/mailhog/data), ported as MailHog parses a raw SMTP message, so
 * clients written for MailHog's API (the npm `mailhog` package among them) read ours unchanged.
 */
export interface MailHogPath {
  Relays: string[] | null;
  Mailbox: string;
  Domain: string;
  Params: string;
}

export interface MailHogContent {
  Headers: Record<string, string[]>;
  Body: string;
  Size: number;
  MIME: MailHogMime | null;
}

export interface MailHogMime {
  Parts: MailHogContent[];
}

export interface MailHogMessage {
  ID: string;
  From: MailHogPath;
  To: MailHogPath[];
  Content: MailHogContent;
  Created: string;
  MIME: MailHogMime | null;
  Raw: { From: string; To: string[]; Data: string; Helo: string };
}

export interface SmtpEnvelope {
  from: string;
  to: string[];
  data: string;
  helo: string;
}

function pathFromString(path: string): MailHogPath {
  let relays: string[] | null = null;
  let email = path;
  const colon = path.indexOf(':');
  if (colon !== -1) {
    relays = path.slice(0, colon).split(',');
    email = path.slice(colon + 1);
  }
  const at = email.indexOf('@');
  return { Relays: relays, Mailbox: at === -1 ? email : email.slice(0, at), Domain: at === -1 ? '' : email.slice(at + 1), Params: '' };
}

function contentFromString(data: string): MailHogContent {
  const split = data.indexOf('\r\n\r\n');
  const headers: Record<string, string[]> = {};
  if (split === -1) return { Headers: headers, Body: data, Size: data.length, MIME: null };
  let last = '';
  for (const line of data.slice(0, split).split('\r\n')) {
    if (last !== '' && (line.startsWith(' ') || line.startsWith('\t'))) {
      const values = headers[last]!;
      values[values.length - 1] += line;
    } else if (line.includes(': ')) {
      const colon = line.indexOf(': ');
      last = line.slice(0, colon);
      headers[last] = [line.slice(colon + 2)];
    }
  }
  return { Headers: headers, Body: data.slice(split + 4), Size: data.length, MIME: null };
}

const isMime = (content: MailHogContent): boolean => content.Headers['Content-Type']?.[0]?.startsWith('multipart/') ?? false;

function boundaryOf(contentType: string): string {
  return /boundary="?([^";]+)"?/i.exec(contentType)?.[1] ?? '';
}

function parseMimeBody(content: MailHogContent): MailHogMime {
  const boundary = boundaryOf(content.Headers['Content-Type']?.[0] ?? '');
  const parts: MailHogContent[] = [];
  if (boundary) {
    for (const chunk of content.Body.split(`--${boundary}`)) {
      if (chunk.length === 0) continue;
      const part = contentFromString(chunk.replace(/^[\r\n]+|[\r\n]+$/g, ''));
      if (isMime(part)) part.MIME = parseMimeBody(part);
      parts.push(part);
    }
  }
  return { Parts: parts };
}

export function toMailHogMessage(envelope: SmtpEnvelope, hostname: string, created: Date): MailHogMessage {
  const id = `${randomBytes(32).toString('base64url')}@${hostname}`;
  const content = contentFromString(envelope.data);
  const mime = isMime(content) ? parseMimeBody(content) : null;
  if (!Object.keys(content.Headers).some((key) => key.toLowerCase() === 'message-id')) content.Headers['Message-ID'] = [id];
  content.Headers['Received'] = [`from ${envelope.helo} by ${hostname} (MailHog)\r\n          id ${id}; ${created.toUTCString()}`];
  content.Headers['Return-Path'] = [`<${envelope.from}>`];
  return {
    ID: id,
    From: pathFromString(envelope.from),
    To: envelope.to.map(pathFromString),
    Content: content,
    Created: created.toISOString(),
    MIME: mime,
    Raw: { From: envelope.from, To: envelope.to, Data: envelope.data, Helo: envelope.helo },
  };
}

export type SearchKind = 'from' | 'to' | 'containing';

/** What MailHog's search looks in: `from` and `to` the envelope and the header, `containing` the body and every header. */
export function searchedTexts(message: MailHogMessage, kind: SearchKind): string[] {
  switch (kind) {
    case 'to':
      return [...message.To.map((to) => `${to.Mailbox}@${to.Domain}`), ...(message.Content.Headers['To'] ?? [])];
    case 'from':
      return [`${message.From.Mailbox}@${message.From.Domain}`, ...(message.Content.Headers['From'] ?? [])];
    case 'containing':
      return [message.Content.Body, ...Object.values(message.Content.Headers).flat()];
  }
}

/** MailHog's match: the query anywhere in one of the texts, ignoring case. */
export function anyContains(texts: string[], query: string): boolean {
  const q = query.toLowerCase();
  return texts.some((text) => text.toLowerCase().includes(q));
}
