/**
 * Alerting: rules turn stored data into alerts (rules/), the engine runs their lifecycle and keeps
 * it in SQLite (state/), and an Alertmanager-style pipeline (pipeline/: route, group, silence,
 * dedup, retry) hands notifications to dumb senders (notifiers/).
 */
export { alertingSchema, type AlertingConfig } from './config.ts';
export { startAlerting, type AlertEngine } from './engine.ts';
export type { Alert, AlertState, Labels, Matcher } from './model.ts';
