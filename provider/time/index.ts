export { clock, ClockRangeError, type Clock, type ClockReading } from './clock.js';
export { SharedClock } from './shared-clock.js';
