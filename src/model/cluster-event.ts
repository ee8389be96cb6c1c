import { object, Problems, string, stringMap, number, type Obj } from './check.ts';

export interface ClusterEvent {
  ts: number;
  host: string;
  /** What the event is about: container, image, network, volume, host, agent. */
  kind: string;
  /** What happened: start, stop, die, oom, restart, health_status, … */
  action: string;
  actor?: { id?: string; name?: string; image?: string };
  attributes?: Record<string, string>;
  message?: string;
}

const KEYS = new Set(['ts', 'host', 'kind', 'action', 'actor', 'attributes', 'message']);
const ACTOR_KEYS = new Set(['id', 'name', 'image']);

export function checkClusterEvent(value: unknown, path: PropertyKey[], p: Problems): void {
  if (!object(value, KEYS, path, p)) return;
  const e: Obj = value;
  number(e, 'ts', path, p, { min: 0 });
  string(e, 'host', path, p, { min: 1 });
  string(e, 'kind', path, p, { min: 1 });
  string(e, 'action', path, p, { min: 1 });
  if (e.actor !== undefined && object(e.actor, ACTOR_KEYS, [...path, 'actor'], p)) {
    for (const key of ACTOR_KEYS) string(e.actor, key, [...path, 'actor'], p, { optional: true });
  }
  stringMap(e, 'attributes', path, p, { optional: true });
  string(e, 'message', path, p, { optional: true });
}
