export { controlRoomRoutes, CLOCK_STEPS, type ControlRoomDependencies } from './routes.js';
export { twoFactorMatrix, policyInput, type TwoFactorMatrix, type MatrixRisk, type MatrixCell } from './matrix.js';
export { readWorld, type World, type WorldUser, type WorldApp } from './world.js';
