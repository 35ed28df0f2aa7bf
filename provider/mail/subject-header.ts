/**
 * The Subject header as one RFC 2047 encoded-word when it is not plain ASCII. nodemailer would fold a
 * longer one into several words, possibly mid-word, and MailHog clients (the npm `mailhog` package
 * among them) keep the space between words where RFC 2047 drops it. Our subjects fit in one word
 * (at most 75 characters); one that does not is left to nodemailer.
 */
const MAX_ENCODED_WORD = 75;

export function subjectHeader(subject: string): { subject: string } | { headers: { Subject: { prepared: true; value: string } } } {
  if (/^[\x20-\x7e]*$/.test(subject)) return { subject };
  const word = `=?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`;
  return word.length <= MAX_ENCODED_WORD ? { headers: { Subject: { prepared: true, value: word } } } : { subject };
}
