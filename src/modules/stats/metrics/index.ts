import { MetricRegistry } from '../registry.js';
import { registerSatisfactionMetrics } from './satisfaction.js';
import { registerPatientMetrics } from './patients.js';
import { registerServiceMetrics } from './service.js';
import { registerAppointmentMetrics } from './appointments.js';
import { registerFollowupMetrics } from './followup.js';
import { registerCallCentreMetrics } from './callcentre.js';
import { registerAtRiskMetric } from './at-risk.js';

/** The stats module's own metrics; app.ts hands the registry to other modules so they add theirs. */
export function createMetricRegistry(): MetricRegistry {
  const registry = new MetricRegistry();
  registerSatisfactionMetrics(registry);
  registerServiceMetrics(registry);
  registerPatientMetrics(registry);
  registerAppointmentMetrics(registry);
  registerFollowupMetrics(registry);
  registerCallCentreMetrics(registry);
  registerAtRiskMetric(registry);
  return registry;
}
