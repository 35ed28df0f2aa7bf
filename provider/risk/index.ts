export { inNetworks } from './trusted-networks.js';
export { RiskOverrides, type RiskOverride } from './risk-override.js';
export { RememberedDevices, type RememberedDevice } from './remembered-devices.js';
