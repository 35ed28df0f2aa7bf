export { startEmulator, StartupError, type RunningEmulator } from './server.js';
export { readSettings, defaultSettings, type Settings } from './config/index.js';
