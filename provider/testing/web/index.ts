export { UserAgent, type Page, type SubmitOptions, type UserAgentOptions } from './user-agent.js';
export { formWith, readForm, readForms, type ButtonChoice, type Form, type FormButton, type FormControl, type FormSelector, type FormValues } from './forms.js';
export { elementById, textOf, validationMessages } from './html.js';
