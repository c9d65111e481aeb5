export * from './staff.js';
export * from './audit.js';
export * from './patients.js';
export * from './idempotency.js';
export * from './imports.js';
