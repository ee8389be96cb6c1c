import type { IncomingMessage } from 'node:http';
import type { ClusterEvent } from '../../../model/index.ts';
import type { Position } from './position-store.ts';
import { sinceParam } from './position-store.ts';
import type { EngineClient } from './engine-client.ts';

/**
 * Follows `GET /events` (newline-delimited JSON) for containers, images, networks and volumes.
 * The stream is opened with `since` = the last position, so a reconnect after a daemon restart,
 * or an agent restart, replays what the daemon still holds (it keeps its last events in memory)
 * and the entries at exactly that nanosecond already delivered are skipped.
 */

export interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

export interface ReadEvent {
  raw: DockerEvent;
  event: ClusterEvent;
  position: Position;
}

const TYPES = ['container', 'image', 'network', 'volume'];

/**
 * One Docker event as a ClusterEvent. `timeNano` is taken from the text, as JSON numbers lose
 * digits past 2^53. Actions like `health_status: healthy` and `exec_start: sh -c …` keep the part
 * before ':' as the action and the rest as an attribute, so rules can match on the action alone.
 */
export function toClusterEvent(
  line: string,
  host: string,
): { raw: DockerEvent; event: ClusterEvent; ns: bigint } {
  const raw = JSON.parse(line) as DockerEvent;
  const nano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  const ns = nano !== undefined ? BigInt(nano) : BigInt(raw.time ?? 0) * 1_000_000_000n;
  const attributes: Record<string, string> = { ...(raw.Actor?.Attributes ?? {}) };
  let action = raw.Action ?? 'unknown';
  const colon = action.indexOf(':');
  if (colon !== -1) {
    const detail = action.slice(colon + 1).trim();
    action = action.slice(0, colon);
    attributes[action === 'health_status' ? 'health_status' : 'command'] = detail;
  }
  const kind = raw.Type ?? 'unknown';
  const id = raw.Actor?.ID;
  const name = attributes.name;
  const image = kind === 'container' ? attributes.image : undefined;
  const actor: ClusterEvent['actor'] = {};
  if (id) actor.id = id;
  if (name !== undefined) actor.name = name;
  if (image !== undefined) actor.image = image;
  const event: ClusterEvent = {
    ts: Number(ns / 1000n) / 1000,
    host,
    kind,
    action,
    actor,
    attributes,
    message: `${kind} ${name ?? id?.slice(0, 12) ?? ''} ${raw.Action ?? action}`.replace(/\s+/g, ' ').trim(),
  };
  return { raw, event, ns };
}

export function eventsPath(since: Position | undefined): string {
  const filters = encodeURIComponent(JSON.stringify({ type: TYPES }));
  return `/events?filters=${filters}${since ? `&since=${sinceParam(since)}` : ''}`;
}

/**
 * Reads one connection of the event stream; resolves when it ends (daemon gone or stopped).
 * `onEvents` gets each chunk's events in order; returning a promise pauses reading until it settles.
 */
export async function readEvents(
  client: EngineClient,
  host: string,
  from: Position | undefined,
  onOpen: (response: IncomingMessage) => void,
  onEvents: (events: ReadEvent[]) => Promise<void> | undefined,
): Promise<void> {
  const response = await client.stream(eventsPath(from));
  onOpen(response);
  let lastNs = from ? BigInt(from.ns) : -1n;
  let atLast = 0;
  let skip = from?.n ?? 0;
  let text = '';
  for await (const chunk of response) {
    text += (chunk as Buffer).toString('utf8');
    const lines = text.split('\n');
    text = lines.pop() ?? '';
    const out: ReadEvent[] = [];
    for (const line of lines) {
      if (line.trim() === '') continue;
      let parsed: ReturnType<typeof toClusterEvent>;
      try {
        parsed = toClusterEvent(line, host);
      } catch {
        continue; // Not JSON: nothing a daemon sends; dropping it beats stopping the stream.
      }
      if (parsed.ns === lastNs) atLast++;
      else {
        lastNs = parsed.ns;
        atLast = 1;
        skip = 0;
      }
      if (skip > 0) {
        skip--;
        continue;
      }
      out.push({ raw: parsed.raw, event: parsed.event, position: { ns: String(lastNs), n: atLast } });
    }
    const wait = out.length > 0 ? onEvents(out) : undefined;
    if (wait) await wait;
  }
}
