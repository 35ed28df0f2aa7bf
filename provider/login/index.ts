export { loginRoutes, type LoginDependencies } from './routes.js';
export { LoginStates } from './login-state.js';
