export { debuggerRoutes } from './routes.js';
export { debuggerClient } from './internal-client.js';
export { allowDebuggerRedirects } from './debugger-redirects.js';
export { DebuggerRuns } from './runs.js';
export { EndpointClient } from './endpoint-client.js';
export { TokenDecoder } from './decoded-tokens.js';
