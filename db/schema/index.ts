export * from './staff.js';
export * from './audit.js';
export * from './patients.js';
export * from './idempotency.js';
export * from './messaging.js';
export * from './jobs.js';
export * from './care.js';
export * from './followup.js';
