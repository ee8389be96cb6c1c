import { ModelCache } from './anomaly/model-cache.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { step } from './lifecycle.ts';
import type { Alert } from './model.ts';
import { evaluateRule } from './rules/evaluate.ts';
import type { Rule } from './rules/rule-schema.ts';

/**
 * "When would this rule have fired?": the rule is evaluated at every step of a past range with
 * the engine's own evaluation and lifecycle (`evaluateRule` + `step`), so pending, `for_ms` and
 * resolving behave exactly as they would live. It knows nothing of rule types, so a new type
 * added to `evaluateRule` previews without changes here.
 *
 * Absence rules read each host's last report, which has no history: their preview shows the
 * present state at every step, and says so (`note`).
 */

/** Bounds the work of one preview: each step is one full evaluation of the rule. */
export const MAX_PREVIEW_STEPS = 600;

export interface PreviewRange {
  from: number;
  to: number;
  step_ms: number;
}

/** One alert as it would have been: from its firing to its resolving (null: still firing at `to`). */
export interface PreviewFiring {
  fingerprint: string;
  labels: Readonly<Record<string, string>>;
  summary: string;
  fired_at: number;
  resolved_at: number | null;
  /** The largest value seen while it fired. */
  max_value: number;
}

export interface PreviewResult extends PreviewRange {
  /** Per step: [ts, alerts firing, alerts pending], for a chart. */
  points: Array<[number, number, number]>;
  firings: PreviewFiring[];
  /** Steps whose evaluation failed (e.g. a query error), with the first message. */
  errors: number;
  first_error: string | null;
  note: string | null;
}

export async function previewRule(
  rule: Rule,
  storage: StorageBackend,
  range: PreviewRange,
): Promise<PreviewResult> {
  const own = new Map<string, Alert>();
  const open = new Map<string, PreviewFiring>();
  const firings: PreviewFiring[] = [];
  const points: PreviewResult['points'] = [];
  let errors = 0;
  let firstError: string | null = null;
  // Anomaly rules fit their models as they would live; a preview records no anomaly marks.
  const anomaly = { models: new ModelCache(), mark: () => {} };

  for (let now = range.from; now <= range.to; now += range.step_ms) {
    let observations;
    try {
      observations = await evaluateRule(rule, { storage, now, interval_ms: range.step_ms, anomaly });
    } catch (error) {
      // As in the engine, a failed evaluation changes nothing.
      errors += 1;
      firstError ??= error instanceof Error ? error.message : String(error);
      points.push([now, count(own, 'firing'), count(own, 'pending')]);
      continue;
    }
    for (const { alert, change } of step(rule, own, observations, now)) {
      if (change === 'dropped' || change === 'resolved') own.delete(alert.fingerprint);
      else own.set(alert.fingerprint, alert);
      if (change === 'firing') {
        const firing: PreviewFiring = {
          fingerprint: alert.fingerprint,
          labels: alert.labels,
          summary: alert.summary,
          fired_at: now,
          resolved_at: null,
          max_value: alert.value,
        };
        open.set(alert.fingerprint, firing);
        firings.push(firing);
      } else if (change === 'updated' && alert.state === 'firing') {
        const firing = open.get(alert.fingerprint);
        if (firing) firing.max_value = Math.max(firing.max_value, alert.value);
      } else if (change === 'resolved') {
        const firing = open.get(alert.fingerprint);
        if (firing) firing.resolved_at = now;
        open.delete(alert.fingerprint);
      }
    }
    points.push([now, count(own, 'firing'), count(own, 'pending')]);
  }
  return {
    ...range,
    points,
    firings,
    errors,
    first_error: firstError,
    note:
      rule.type === 'absence'
        ? 'Absence rules read when each host last reported, which has no history: every step shows the present state.'
        : null,
  };
}

function count(alerts: ReadonlyMap<string, Alert>, state: Alert['state']): number {
  let n = 0;
  for (const a of alerts.values()) if (a.state === state) n += 1;
  return n;
}
