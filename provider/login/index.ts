export { loginRoutes, type LoginDependencies } from './routes.js';
export { LoginStates } from './login-state.js';
export { InteractionPages } from './interaction-pages.js';
