import { evaluateAnomaly } from './anomaly-rule.ts';
import { evaluateThreshold } from './metric-rule.ts';
import type { EvalContext, Observation } from './observation.ts';
import { evaluatePredictive } from './predictive-rule.ts';
import { evaluateNewPattern } from './pattern-rule.ts';
import { evaluatePatternRate } from './pattern-rate-rule.ts';
import { evaluateAbsence, evaluateEvents, evaluateLogCount } from './record-rules.ts';
import type { Rule } from './rule-schema.ts';

export type { AnomalyContext, EvalContext, Observation } from './observation.ts';

/** Runs one rule: the label sets for which its condition holds now. */
export function evaluateRule(rule: Rule, ctx: EvalContext): Promise<Observation[]> {
  switch (rule.type) {
    case 'threshold':
      return evaluateThreshold(rule, ctx);
    case 'log_count':
      return evaluateLogCount(rule, ctx);
    case 'event':
      return evaluateEvents(rule, ctx);
    case 'absence':
      return evaluateAbsence(rule, ctx);
    case 'anomaly':
      return evaluateAnomaly(rule, ctx);
    case 'predictive':
      return evaluatePredictive(rule, ctx);
    case 'new_pattern':
      return evaluateNewPattern(rule, ctx);
    case 'pattern_rate':
      return evaluatePatternRate(rule, ctx);
  }
}

function formatDuration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)}m`;
  return `${(ms / 3_600_000).toFixed(1)}h`;
}

function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toPrecision(4);
}

/** Fills `{{label}}`, `{{value}}`, `{{value_percent}}` and `{{value_duration}}` in a rule's summary. */
export function renderSummary(
  rule: Rule,
  labels: Readonly<Record<string, string>>,
  value: number,
  baseline?: number,
): string {
  const name = rule.name ?? rule.id;
  const template = rule.summary ?? `${name}: value {{value}}`;
  return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_m, key: string) => {
    if (key === 'value') return formatNumber(value);
    if (key === 'value_percent') return `${(value * 100).toFixed(1)}%`;
    if (key === 'value_duration') return formatDuration(value);
    if (key === 'baseline') return baseline === undefined ? '' : formatNumber(baseline);
    return labels[key] ?? '';
  });
}
