// The records agent and server exchange, with their validators. Both sides import only from here.
export * from './metric-sample.ts';
export * from './log-record.ts';
export * from './cluster-event.ts';
export * from './ingest-batch.ts';
export { Problems } from './check.ts';
