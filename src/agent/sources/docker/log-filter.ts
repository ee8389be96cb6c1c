import type { ContainerInfo } from './catalog.ts';
import type { DockerLogsConfig } from './config.ts';

/**
 * Which containers' logs are followed: include/exclude by name, image and label (regular
 * expressions), and the opt-out label `birdseye.logs=false` that a container sets on itself.
 */

export const OPT_OUT_LABEL = 'birdseye.logs';
/** A container's logs go to the tenant of this ingest token instead of the agent's (metrics and events do not). */
export const TOKEN_LABEL = 'birdseye.token';

function labelMatch(info: ContainerInfo, rule: string): boolean {
  const eq = rule.indexOf('=');
  const value = info.labels[rule.slice(0, eq)];
  return value !== undefined && new RegExp(rule.slice(eq + 1)).test(value);
}

export function logsWanted(info: ContainerInfo, config: DockerLogsConfig): boolean {
  if (info.labels[OPT_OUT_LABEL] === 'false') return false;
  const any = (patterns: string[], value: string) => patterns.some((p) => new RegExp(p).test(value));
  if (config.include_names.length > 0 && !any(config.include_names, info.name)) return false;
  if (any(config.exclude_names, info.name) || any(config.exclude_images, info.image)) return false;
  if (config.include_labels.length > 0 && !config.include_labels.every((rule) => labelMatch(info, rule))) {
    return false;
  }
  return !config.exclude_labels.some((rule) => labelMatch(info, rule));
}
