/**
 * Anomaly detection: a seasonal baseline per series (detector.ts), fitted on history and scoring
 * new points; score-series.ts runs it over a whole series for `birdseye anomaly score`; marks.ts
 * keeps the anomalous stretches it finds, whether or not a rule alerts on them.
 */
export * from './detector.ts';
export { scoreSeries, type ScoredPoint } from './score-series.ts';
