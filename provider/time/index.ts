export { Clock, ClockRangeError, realTime, type ClockReading } from './clock.js';
export { SharedClock } from './shared-clock.js';
