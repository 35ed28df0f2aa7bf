/** What a page on another site sends along with its request, as browsers do: one of these is enough to tell. */
export const FROM_ANOTHER_SITE: Record<string, Record<string, string>> = {
  'another origin': { origin: 'http://evil.example' },
  'another localhost port': { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' },
  'a cross-site page': { 'sec-fetch-site': 'cross-site' },
  'an opaque origin': { origin: 'null' },
};
