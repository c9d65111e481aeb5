import { Conflict, NotFound } from '../lib/errors.js';

export const jobNotFound = (name: string) => new NotFound('jobs.not_found', `No scheduled job named "${name}".`);

export const jobAlreadyRunning = (name: string) =>
  new Conflict('jobs.already_running', `Job "${name}" is running now (here or on another instance); wait for it to finish.`);
