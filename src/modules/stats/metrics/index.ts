import { MetricRegistry } from '../registry.js';
import { registerSatisfactionMetrics } from './satisfaction.js';
import { registerPatientMetrics } from './patients.js';
import { registerServiceMetrics } from './service.js';

/** The stats module's own metrics; app.ts hands the registry to other modules so they add theirs. */
export function createMetricRegistry(): MetricRegistry {
  const registry = new MetricRegistry();
  registerSatisfactionMetrics(registry);
  registerServiceMetrics(registry);
  registerPatientMetrics(registry);
  return registry;
}
