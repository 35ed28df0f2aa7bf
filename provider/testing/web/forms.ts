import { attribute, documentOf, elementsIn, hasAttribute, textContent, visibleText, type Element, type HtmlSource } from './html.js';

/** A submit button: pressing it adds `name=value` to what the form sends, when it has a name. */
export interface FormButton {
  name: string | undefined;
  value: string;
  label: string;
}

/** One control of a form, as the HTML sets it up. */
export interface FormControl {
  kind: 'value' | 'checkbox' | 'radio' | 'select';
  name: string;
  /** A value control's value; a checkbox's or radio button's value when checked. */
  value: string;
  checked: boolean;
  /** A select's options: value and whether it is selected. */
  options: { value: string; selected: boolean }[];
}

export interface Form {
  id: string | undefined;
  /** Absolute. */
  action: string;
  method: 'GET' | 'POST';
  /**
   * What a browser sends when the form is submitted as it stands: every named control's value, hidden
   * ones included; checkboxes and radio buttons only when checked; a select's selected options. The
   * pressed button comes on top (see `buttons`). Last one wins for a repeated name: `entries` has them all.
   */
  fields: Record<string, string>;
  /** The same, in document order, repeated names kept. */
  entries: [string, string][];
  buttons: FormButton[];
  controls: FormControl[];
}

/** What to fill in: text for value controls and selects (an option's value), radio buttons (the value to pick) and checkboxes (true or false, or the value of the box to tick). */
export type FormValues = Record<string, string | boolean>;

/** Which button is pressed: by name, and value when several share the name. Default: the form's first button. */
export interface ButtonChoice {
  name?: string;
  value?: string;
}

const SUBMITTABLE = new Set(['input', 'button', 'select', 'textarea']);
const NOT_FIELDS = new Set(['submit', 'image', 'reset', 'button', 'file']);

/** Every form of the page, in document order. */
export function readForms(page: HtmlSource): Form[] {
  const elements = [...elementsIn(documentOf(page))];
  const byId = new Map(elements.flatMap((element) => (hasAttribute(element, 'id') ? [[attribute(element, 'id')!, element] as const] : [])));
  return elements.filter((element) => element.tagName === 'form').map((form) => readFormElement(form, elements, byId, page.url));
}

/** A form by its id, or by its action (a URL, relative to the page as in its HTML, or absolute). */
export interface FormSelector {
  id?: string;
  action?: string;
}

/** The page's first form, or the first that `selector` picks; a page without it is an error that shows the page. */
export function readForm(page: HtmlSource, selector: FormSelector = {}): Form {
  const action = selector.action === undefined ? undefined : new URL(selector.action, page.url).href;
  const form = readForms(page).find((candidate) => (selector.id === undefined || candidate.id === selector.id) && (action === undefined || candidate.action === action));
  if (!form) throw new Error(`no form${selector.id === undefined && action === undefined ? '' : ` ${JSON.stringify(selector)}`} on ${page.url}:\n${page.html.slice(0, 500)}`);
  return form;
}

/** The page's first form with a control of this name (checked or not), if it has one. */
export function formWith(page: HtmlSource, name: string): Form | undefined {
  return readForms(page).find((form) => form.controls.some((control) => control.name === name));
}

function readFormElement(form: Element, elements: Element[], byId: Map<string, Element>, base: string): Form {
  const owned = elements.filter((element) => SUBMITTABLE.has(element.tagName) && ownerOf(element, byId) === form && !isDisabled(element));
  const controls: FormControl[] = [];
  const buttons: FormButton[] = [];
  for (const element of owned) {
    const type = (attribute(element, 'type') ?? '').toLowerCase();
    if (isSubmitButton(element, type)) {
      buttons.push({ name: attribute(element, 'name') || undefined, value: attribute(element, 'value') ?? '', label: visibleText(element) || (attribute(element, 'value') ?? '') });
      continue;
    }
    const name = attribute(element, 'name');
    if (!name || element.tagName === 'button' || (element.tagName === 'input' && NOT_FIELDS.has(type))) continue;
    controls.push(controlOf(element, name, type));
  }
  const method = (attribute(form, 'method') ?? '').toLowerCase() === 'post' ? 'POST' : 'GET';
  const entries = entriesOf(controls);
  return { id: attribute(form, 'id'), action: new URL(attribute(form, 'action') || base, base).href, method, fields: Object.fromEntries(entries), entries, buttons, controls };
}

function controlOf(element: Element, name: string, type: string): FormControl {
  const control: FormControl = { kind: 'value', name, value: attribute(element, 'value') ?? '', checked: false, options: [] };
  if (element.tagName === 'textarea') return { ...control, value: textContent(element) };
  if (element.tagName === 'select') {
    const options = [...elementsIn(element)]
      .filter((option) => option.tagName === 'option' && !hasAttribute(option, 'disabled'))
      .map((option) => ({ value: attribute(option, 'value') ?? visibleText(option), selected: hasAttribute(option, 'selected') }));
    // A single select always has one option selected: the first, unless the HTML picks one (the last it picks).
    const last = options.findLastIndex((option) => option.selected);
    const single = options.map((option, i) => ({ ...option, selected: i === (last === -1 ? 0 : last) }));
    return { ...control, kind: 'select', options: hasAttribute(element, 'multiple') ? options : single };
  }
  if (type === 'checkbox' || type === 'radio') return { ...control, kind: type, value: attribute(element, 'value') ?? 'on', checked: hasAttribute(element, 'checked') };
  return control;
}

/** The entries a browser sends for these controls (without the button). */
export function entriesOf(controls: FormControl[]): [string, string][] {
  return controls.flatMap((control): [string, string][] => {
    if (control.kind === 'select') return control.options.filter((option) => option.selected).map((option) => [control.name, option.value]);
    if (control.kind === 'checkbox' || control.kind === 'radio') return control.checked ? [[control.name, control.value]] : [];
    return [[control.name, control.value]];
  });
}

/** The form's controls with `values` filled in, as a user would: a name the form does not have is an error. */
export function fill(form: Form, values: FormValues): FormControl[] {
  const controls = form.controls.map((control) => ({ ...control, options: control.options.map((option) => ({ ...option })) }));
  for (const [name, value] of Object.entries(values)) {
    const named = controls.filter((control) => control.name === name);
    if (named.length === 0) throw new Error(`the form at ${form.action} has no field ${name} (it has ${[...new Set(form.controls.map((c) => c.name))].join(', ') || 'none'})`);
    const problem = setAll(named, value);
    if (problem !== undefined) throw new Error(`the form at ${form.action}: ${name} ${problem}`);
  }
  return controls;
}

/** Sets the controls that share a name; answers why not when the value does not fit them. */
function setAll(controls: FormControl[], value: string | boolean): string | undefined {
  const kind = controls[0]!.kind;
  if (kind === 'checkbox' || kind === 'radio') {
    if (typeof value === 'boolean') {
      if (kind === 'radio' && value) return 'is a choice: give the value to pick';
      for (const control of controls) control.checked = value;
      return undefined;
    }
    const box = controls.find((control) => control.value === value);
    if (!box) return `has no ${kind === 'radio' ? 'choice' : 'box with the value'} ${value}`;
    if (kind === 'radio') for (const control of controls) control.checked = false;
    box.checked = true;
    return undefined;
  }
  if (typeof value !== 'string') return kind === 'select' ? 'takes the value of an option' : 'takes text';
  for (const control of controls) {
    if (control.kind !== 'select') control.value = value;
    else if (!control.options.some((option) => option.value === value)) return `has no option ${value}`;
    else for (const option of control.options) option.selected = option.value === value;
  }
  return undefined;
}

/** The button a press means: the named one, or the form's first. */
export function pressed(form: Form, choice: ButtonChoice | undefined): FormButton | undefined {
  if (choice === undefined) return form.buttons[0];
  const button = form.buttons.find((b) => (choice.name === undefined || b.name === choice.name) && (choice.value === undefined || b.value === choice.value));
  if (!button) throw new Error(`the form at ${form.action} has no button ${JSON.stringify(choice)} (it has ${JSON.stringify(form.buttons.map(({ name, value }) => ({ name, value })))})`);
  return button;
}

/** A control belongs to the form its `form` attribute names, or else to the form it is in. */
function ownerOf(element: Element, byId: Map<string, Element>): Element | undefined {
  const named = attribute(element, 'form');
  if (named !== undefined) {
    const target = byId.get(named);
    return target?.tagName === 'form' ? target : undefined;
  }
  for (let node = element.parentNode; node && 'tagName' in node; node = node.parentNode) if (node.tagName === 'form') return node;
  return undefined;
}

/** Disabled itself, or inside a disabled fieldset (but not in that fieldset's first legend). */
function isDisabled(element: Element): boolean {
  if (hasAttribute(element, 'disabled')) return true;
  let child: Element = element;
  for (let node = element.parentNode; node && 'tagName' in node; child = node, node = node.parentNode) {
    if (node.tagName !== 'fieldset' || !hasAttribute(node, 'disabled')) continue;
    const firstLegend = node.childNodes.find((n) => 'tagName' in n && n.tagName === 'legend');
    if (child !== firstLegend) return true;
  }
  return false;
}

function isSubmitButton(element: Element, type: string): boolean {
  if (element.tagName === 'button') return type === '' || type === 'submit';
  return element.tagName === 'input' && type === 'submit';
}
