export { debuggerRoutes } from './routes.js';
export { DebuggerRuns } from './runs.js';
export { EndpointClient } from './endpoint-client.js';
export { TokenDecoder } from './decoded-tokens.js';
