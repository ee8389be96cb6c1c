import { BirdseyeError } from '../../core/errors.ts';
import type { IngestBatch } from '../../model/index.ts';
import type { LogListener, StoredLog } from './backend.ts';

/** Helpers every backend shares for logs and events: days, cursors, the live feed, containers. */
export const DAY_MS = 86_400_000;

export function dayOf(ts: number): number {
  return Math.floor(ts / DAY_MS);
}

/** Cursors are base64url JSON, opaque to clients; a backend decodes only its own `kind`. */
export function encodeCursor(kind: string, state: Record<string, number | string>): string {
  return Buffer.from(JSON.stringify({ k: kind, ...state })).toString('base64url');
}

export function decodeCursor(kind: string, cursor: string, keys: readonly string[]): Record<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const state = parsed as Record<string, unknown> | undefined;
  if (
    typeof state !== 'object' ||
    state === null ||
    state.k !== kind ||
    !keys.every((k) => typeof state[k] === 'number' && Number.isFinite(state[k]))
  ) {
    throw new BirdseyeError(
      'BE_QUERY_INVALID',
      'cursor: not a cursor from this search; start again without it',
    );
  }
  return state as Record<string, number>;
}

/** Fan-out of committed log records to live-tail listeners; a throwing listener harms no other. */
export class LogFeed {
  private readonly listeners = new Set<LogListener>();

  subscribe(listener: LogListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get active(): boolean {
    return this.listeners.size > 0;
  }

  emit(tenant: string, records: readonly StoredLog[]): void {
    if (records.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(tenant, records);
      } catch {
        // A listener's failure is its own (the tail route counts its errors); storage carries on.
      }
    }
  }
}

/** Docker's lifecycle actions and the state a container is in after each. */
const STATE_AFTER: Record<string, string> = {
  create: 'created',
  start: 'running',
  restart: 'running',
  unpause: 'running',
  pause: 'paused',
  die: 'exited',
  stop: 'exited',
  kill: 'exited',
  oom: 'exited',
  destroy: 'removed',
};

export interface ContainerSighting {
  host: string;
  name: string;
  id: string | null;
  image: string | null;
  /** Oldest and newest time the container was seen in the batch. */
  first: number;
  ts: number;
  /** The action of the newest container event in the batch, if any. */
  action: string | null;
  state: string | null;
}

/**
 * Containers named in a batch's logs and container events, folded to one sighting per container
 * (host + name) so a store does one upsert per container per batch, not per line.
 */
export function containerSightings(batch: IngestBatch): ContainerSighting[] {
  const seen = new Map<string, ContainerSighting>();
  const note = (
    host: string,
    ref: { id?: string; name?: string; image?: string } | undefined,
    ts: number,
    action: string | null,
  ): void => {
    const name = ref?.name ?? ref?.id;
    if (!name) return;
    const key = `${host}\u0000${name}`;
    const s = seen.get(key) ?? {
      host,
      name,
      id: null,
      image: null,
      first: ts,
      ts,
      action: null,
      state: null,
    };
    s.id = ref?.id ?? s.id;
    s.image = ref?.image ?? s.image;
    if (action !== null && (ts >= s.ts || s.action === null)) {
      s.action = action;
      s.state = STATE_AFTER[action] ?? s.state;
    }
    s.first = Math.min(s.first, ts);
    s.ts = Math.max(s.ts, ts);
    seen.set(key, s);
  };
  for (const log of batch.logs) note(log.host, log.container, log.ts, null);
  for (const e of batch.events) if (e.kind === 'container') note(e.host, e.actor, e.ts, e.action);
  return [...seen.values()];
}

/** Runs synchronous store code so that its errors reject the promise instead of throwing. */
export function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
