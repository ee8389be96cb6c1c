/** The read API the UI uses (src/server/api/query-routes.ts), with the stored token or the session cookie. */

export interface Host {
  host: string;
  /** UTC epoch ms. */
  first_seen: number;
  last_seen: number;
  agent_id: string;
  agent_version: string;
  status: 'up' | 'stale';
}

export interface Series {
  labels: Record<string, string>;
  /** [ts (UTC ms), value] */
  points: Array<[number, number]>;
}

export interface QueryResult {
  from: number;
  to: number;
  step_ms: number;
  series: Series[];
}

/** An answer other than 2xx; `status` 401 means the token was missing or not accepted. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string };
}

export class Api {
  constructor(private readonly token: () => string | undefined) {}

  async hosts(): Promise<Host[]> {
    const body = await this.get<{ hosts: Host[] }>('/api/v1/hosts');
    return body.hosts;
  }

  query(query: string, from: string, to = 'now'): Promise<QueryResult> {
    return this.get<QueryResult>('/api/v1/metrics/query', { query, from, to });
  }

  async get<T>(path: string, params: Record<string, string | undefined> = {}): Promise<T> {
    const response = await this.open(withParams(path, params));
    return (await response.json()) as T;
  }

  /** A POST or DELETE with a JSON body; the answer's JSON. */
  async send<T>(method: 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await this.open(path, undefined, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as T;
  }

  /** A fetch with the token; any answer but 2xx becomes an ApiError (the tail stream uses it too). */
  async open(path: string, signal?: AbortSignal, init: RequestInit = {}): Promise<Response> {
    const token = this.token();
    // Without a token the session cookie (if signed in with a password) goes along on its own.
    const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, { ...init, headers, credentials: 'same-origin', signal: signal ?? null });
    } catch (cause) {
      if (signal?.aborted) throw cause;
      throw new ApiError(0, 'BE_UNREACHABLE', `the server did not answer (${String(cause)})`);
    }
    if (response.ok) return response;
    const body = (await response.json().catch(() => ({}))) as ErrorBody;
    throw new ApiError(
      response.status,
      body.error?.code ?? `HTTP_${response.status}`,
      body.error?.message ?? `${response.status} ${response.statusText}`,
    );
  }
}

/** `path?a=1&b=2`, leaving out parameters that are undefined or empty. */
export function withParams(path: string, params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text === '' ? path : `${path}?${text}`;
}

/**
 * A label value as a query string literal. The server reads it with JSON.parse
 * (src/server/query/metric-query.ts), so JSON quoting escapes quotes, backslashes and control
 * characters exactly as it expects.
 */
export function quoteLabelValue(value: string): string {
  return JSON.stringify(value);
}

/** `node_load1{host="web-1"}` */
export function hostSelector(metric: string, host: string): string {
  return `${metric}{host=${quoteLabelValue(host)}}`;
}
