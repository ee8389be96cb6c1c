import { isPlainObject } from '../config/etcd/layer.ts';
import type { Origin, ResolvedConfig } from '../config/load.ts';

const SECRET = /(^|\.)(token|password|admin_token)$/;

function leaves(value: unknown, path: string[], out: Array<[string, unknown]>): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [key, child] of Object.entries(value)) leaves(child, [...path, key], out);
  } else out.push([path.join('.'), value]);
}

function describe(origin: Origin | undefined): string {
  if (!origin) return 'default';
  return origin.detail ? `${origin.layer} ${origin.detail}` : origin.layer;
}

/**
 * `birdseye agent config --explain`: every effective value and where it came from (default, file,
 * etcd, env, flag), so "why does this node ship there?" has a one-line answer. Secrets are shown
 * as set or not, never their value.
 */
export function explainLines(resolved: ResolvedConfig, only?: (key: string) => boolean): string[] {
  const rows: Array<[string, unknown]> = [];
  leaves(resolved.config, [], rows);
  const shown = rows.filter(([key]) => !only || only(key));
  const width = Math.min(48, Math.max(...shown.map(([key]) => key.length)));
  return shown.map(([key, value]) => {
    const text = value === undefined ? '(unset)' : SECRET.test(key) ? '(set, hidden)' : JSON.stringify(value);
    return `${key.padEnd(width)} = ${text}  [${describe(resolved.origins.get(key))}]`;
  });
}
