export { clock, type Clock, type ClockReading } from './clock.js';
