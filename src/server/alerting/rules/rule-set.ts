import type { AlertingConfig } from '../config.ts';
import { DEFAULT_RULES } from './defaults.ts';
import { ruleSchema, type Rule } from './rule-schema.ts';

/** The rules the engine runs: the defaults (unless turned off), each replaced by a config rule of the same id. */
export function ruleSet(config: AlertingConfig): Rule[] {
  const byId = new Map<string, Rule>();
  if (config.default_rules) for (const input of DEFAULT_RULES) byId.set(input.id, ruleSchema.parse(input));
  for (const rule of config.rules) byId.set(rule.id, rule);
  return [...byId.values()];
}
