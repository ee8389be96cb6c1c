import type { RuleOf } from './rule-schema.ts';
import type { EvalContext, Observation } from './observation.ts';
import { SEVERITIES } from '../../../model/index.ts';

/** Templates become a label; very long ones are cut so messages and fingerprints stay small. */
export const TEMPLATE_LABEL_CHARS = 200;
/** New patterns reported per evaluation: a flood of new shapes is one page of alerts, not thousands. */
const MAX_NEW_PATTERNS = 100;

/**
 * New pattern rule: log patterns first seen within the window whose lines reached `min_severity`
 * (warning or worse by default). One alert per pattern, labelled with its id, source and template;
 * the value is its line count in the window. It resolves once the pattern is older than the window.
 */
export async function evaluateNewPattern(
  rule: RuleOf<'new_pattern'>,
  ctx: EvalContext,
): Promise<Observation[]> {
  const from = ctx.now - rule.window_ms;
  const max = SEVERITIES.indexOf(rule.min_severity);
  const patterns = await ctx.storage.queryPatterns(rule.tenant, {
    from,
    to: ctx.now,
    limit: 10_000,
    step_ms: rule.window_ms,
    text: rule.template ?? '',
  });
  return patterns
    .filter((p) => p.first_seen >= from && p.severity !== null && p.severity <= max)
    .slice(0, MAX_NEW_PATTERNS)
    .map((p) => ({
      labels: { pattern: p.id, source: p.source, template: p.template.slice(0, TEMPLATE_LABEL_CHARS) },
      value: p.count,
    }));
}
