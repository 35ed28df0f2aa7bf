export { HttpError } from './http-error.js';
export { readForm, readJson } from './body.js';
export { jsonErrors } from './json-errors.js';
export { createLogger, type Logger, type LogLevel } from './logger.js';
export { staticAssets } from './static-assets.js';
export { renderPage, type PageData } from './views.js';
export { healthCheck } from './health.js';
export { lastResort } from './last-resort.js';
