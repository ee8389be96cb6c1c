import { number, object, Problems, string, stringMap, type Obj } from './check.ts';

/** Prometheus naming rules, so users recognise node_* and container_* series. */
export const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
export const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export interface MetricSample {
  /** Prometheus metric name, e.g. node_cpu_seconds_total. */
  name: string;
  labels: Record<string, string>;
  value: number;
  /** UTC epoch milliseconds; a fraction is allowed. */
  ts: number;
}

const KEYS = new Set(['name', 'labels', 'value', 'ts']);

export function checkMetricSample(value: unknown, path: PropertyKey[], p: Problems): void {
  if (!object(value, KEYS, path, p)) return;
  const sample: Obj = value;
  string(sample, 'name', path, p);
  if (typeof sample.name === 'string' && !METRIC_NAME.test(sample.name)) {
    p.add([...path, 'name'], 'must be a Prometheus metric name ([a-zA-Z_:][a-zA-Z0-9_:]*)');
  }
  stringMap(sample, 'labels', path, p, {
    keyPattern: LABEL_NAME,
    keyMessage: 'label names must match [a-zA-Z_][a-zA-Z0-9_]*',
    maxValue: 1024,
  });
  number(sample, 'value', path, p);
  number(sample, 'ts', path, p, { min: 0 });
}
