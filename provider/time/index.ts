export { assertInClockRange, Clock, CLOCK_RANGE, ClockRangeError, realTime, type ClockReading } from './clock.js';
export { SharedClock } from './shared-clock.js';
