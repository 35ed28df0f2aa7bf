export { controlRoomRoutes, type ControlRoomDependencies } from './routes.js';
