import type { DefaultTreeAdapterTypes } from 'parse5';
import { clientPackages } from './client-script.js';

export type Element = DefaultTreeAdapterTypes.Element;
type Node = DefaultTreeAdapterTypes.Node;

/** A page as a browser received it: where it was asked for, the status, and the HTML. */
export interface HtmlSource {
  url: string;
  html: string;
}

const parsed = new WeakMap<HtmlSource, { html: string; document: DefaultTreeAdapterTypes.Document }>();

/** The page's document, parsed by parse5 as a browser parses it (once per page). */
export function documentOf(page: HtmlSource): DefaultTreeAdapterTypes.Document {
  const known = parsed.get(page);
  if (known?.html === page.html) return known.document;
  const document = clientPackages().parse(page.html);
  parsed.set(page, { html: page.html, document });
  return document;
}

const isElement = (node: Node): node is Element => 'tagName' in node;

/** Every element under `root`, in tree order. */
export function* elementsIn(root: Node): Generator<Element> {
  for (const child of 'childNodes' in root ? root.childNodes : []) {
    if (!isElement(child)) continue;
    yield child;
    yield* elementsIn(child);
  }
}

export const attribute = (element: Element, name: string): string | undefined => element.attrs.find((attr) => attr.name === name)?.value;

export const hasAttribute = (element: Element, name: string): boolean => attribute(element, name) !== undefined;

/** The element's text, as `textContent` gives it. */
export function textContent(node: Node): string {
  if (node.nodeName === '#text') return (node as DefaultTreeAdapterTypes.TextNode).value;
  return 'childNodes' in node ? node.childNodes.map(textContent).join('') : '';
}

/** Text as a reader sees it: runs of white space as one space, none at the ends. */
export const visibleText = (node: Node): string => textContent(node).replace(/\s+/g, ' ').trim();

export function elementById(page: HtmlSource, id: string): Element | undefined {
  for (const element of elementsIn(documentOf(page))) if (attribute(element, 'id') === id) return element;
  return undefined;
}

/** The text of the element with this id, or undefined when the page has none. */
export function textOf(page: HtmlSource, id: string): string | undefined {
  const element = elementById(page, id);
  return element && visibleText(element);
}

const hasClass = (element: Element, name: string) => (attribute(element, 'class') ?? '').split(/\s+/).includes(name);

/** The messages of the page's validation summary (empty when the step succeeded). */
export function validationMessages(page: HtmlSource): string[] {
  const summary = [...elementsIn(documentOf(page))].find((element) => hasClass(element, 'validation-summary'));
  if (!summary) return [];
  return [...elementsIn(summary)].filter((element) => element.tagName === 'li').map(visibleText);
}
