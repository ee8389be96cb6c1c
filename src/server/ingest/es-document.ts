import type { LogRecord } from '../../model/index.ts';
import { severityFromValue } from '../../parse/severity.ts';
import { parseTimeValue } from '../../parse/time.ts';

/**
 * Turns one Elasticsearch document into a LogRecord. Shippers spell the common fields in a few
 * ways (Beats/ECS `@timestamp`, `host.name`, `log.level`; rsyslog's `timereported`, `hostname`,
 * `programname`; logagent's `os.host`, `severity`, `logSource`); the first one present wins and is taken
 * out of the document, and whatever is left goes into `fields`, so nothing the shipper sent is lost.
 */
const TIME_KEYS = ['@timestamp', 'timestamp', 'timereported', 'time', 'ts'];
const MESSAGE_KEYS = ['message', 'msg', 'log'];
const HOST_KEYS = ['host.name', 'host', 'hostname', 'os.host', 'fromhost'];
const SEVERITY_KEYS = ['severity', 'level', 'log.level', 'syslogseverity', 'syslog.severity', 'loglevel'];
const SERVICE_KEYS = ['service.name', 'service', 'programname', 'app', 'logSource', 'syslogtag'];

type Doc = Record<string, unknown>;

/** `a.b` reads doc['a.b'] or doc.a.b; `take` removes what it read. */
function take(doc: Doc, key: string, test: (value: unknown) => boolean): unknown {
  if (key in doc && test(doc[key])) {
    const value = doc[key];
    delete doc[key];
    return value;
  }
  const dot = key.indexOf('.');
  if (dot < 0) return undefined;
  const parent = doc[key.slice(0, dot)];
  if (parent === null || typeof parent !== 'object' || Array.isArray(parent)) return undefined;
  const child = parent as Doc;
  const value = take(child, key.slice(dot + 1), test);
  if (value !== undefined && Object.keys(child).length === 0) delete doc[key.slice(0, dot)];
  return value;
}

function first<T>(
  doc: Doc,
  keys: readonly string[],
  convert: (value: unknown) => T | undefined,
): T | undefined {
  for (const key of keys) {
    let converted: T | undefined;
    const value = take(doc, key, (v) => (converted = convert(v)) !== undefined);
    if (value !== undefined) return converted;
  }
  return undefined;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

export interface DocumentDefaults {
  /** Used when the document names no host: the sender's address. */
  host: string;
  receivedTs: number;
}

export function documentToRecord(source: Doc, defaults: DocumentDefaults): LogRecord {
  const doc: Doc = { ...source };
  const ts = first(doc, TIME_KEYS, (v) => parseTimeValue(v));
  const message = first(doc, MESSAGE_KEYS, (v) => (typeof v === 'string' ? v : undefined));
  const host = first(doc, HOST_KEYS, text) ?? defaults.host;
  const severity = first(doc, SEVERITY_KEYS, severityFromValue);
  const service = first(doc, SERVICE_KEYS, text);
  const record: LogRecord = {
    ts: ts ?? defaults.receivedTs,
    received_ts: defaults.receivedTs,
    host,
    source: 'elasticsearch',
    // A document without a message field keeps all of itself as the message, so it is searchable.
    message: message ?? JSON.stringify(source),
    format: 'es-bulk',
  };
  if (service !== undefined) record.service = service;
  if (severity !== undefined) record.severity = severity;
  // Shippers that keep parsed fields under `fields` (Beats, Birdseye's own sink) get them unwrapped.
  const nested = doc.fields;
  if (nested !== null && typeof nested === 'object' && !Array.isArray(nested)) {
    delete doc.fields;
    for (const [key, value] of Object.entries(nested)) if (!(key in doc)) doc[key] = value;
  }
  if (message !== undefined && Object.keys(doc).length > 0) record.fields = doc;
  return record;
}
