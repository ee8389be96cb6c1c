import type { ClusterEvent, LogRecord } from '../../model/index.ts';

/**
 * For API tests: sends data through the real ingest endpoint and reads endpoints as a user would.
 * Kept in src/ beside the routes (like the memory backend) so tests of the layers above reuse it.
 */
export interface Target {
  readonly url: string;
}

let seq = 0;

export async function ingest(
  server: Target,
  token: string,
  data: { logs?: LogRecord[]; events?: ClusterEvent[] },
  agent = 'agent-api',
): Promise<Record<string, unknown>> {
  seq += 1;
  const batch = {
    batch_id: `${agent}:${seq}`,
    agent_id: agent,
    seq,
    host: 'node-1',
    sent_ts: Date.now(),
    ...data,
  };
  const response = await fetch(`${server.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(batch),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`ingest failed: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

export async function getJson<T = Record<string, unknown>>(
  server: Target,
  token: string,
  path: string,
  params: Record<string, string | number | undefined> = {},
): Promise<{ status: number; body: T }> {
  const url = new URL(path, server.url);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}
