export { CONTROL_PATH } from './control-path.js';
export { controlRoutes, type ControlDependencies } from './routes.js';
export { controlGuards, whoMayControl, type ControlAccess } from './control-auth.js';
export { mergeOverlay, checkOverlay, type FixtureOverlayDependencies, type MergedOverlay } from './fixture-overlay.js';
export { parseClockMove } from './clock-request.js';
export { parseRiskOverride } from './risk-request.js';
export { parseFault, FAULT_ENDPOINTS } from './faults.js';
export { Faults } from './faults.js';
export { faultInjection } from './fault-injection.js';
