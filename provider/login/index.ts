export { loginRoutes, type LoginDependencies } from './routes.js';
export { selfServiceRoutes, type SelfServiceDependencies } from './self-service-routes.js';
export { LoginStates } from './login-state.js';
export { InteractionPages } from './interaction-pages.js';
