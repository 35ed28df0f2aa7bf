// The suites drive the pages with the testing library's form and cookie client, the one the scenario runner uses.
export { readForm, readForms, UserAgent, validationMessages, type Page } from '../../provider/testing/web/index.js';
