export { controlRoutes, type ControlDependencies } from './routes.js';
