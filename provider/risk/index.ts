export { inNetworks, normaliseIp } from './trusted-networks.js';
export { RiskOverrides, type RiskOverride } from './risk-override.js';
export { RememberedDevices, REMEMBER_SECONDS, DEVICE_COOKIE, type RememberedDevice } from './remembered-devices.js';
