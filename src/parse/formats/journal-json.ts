import type { LogRecord } from '../../model/log-record.ts';
import { stripAnsi } from '../ansi.ts';
import { microsToMs } from '../time.ts';
import type { LineParser, ParseContext } from '../types.ts';
import { parseJsonObject, validTs, type ContainerRef } from './record.ts';

/**
 * `journalctl -o json`: one entry per line, every field a string, except that journald writes a
 * field that is not valid printable UTF-8 as an array of byte values, and a field with several
 * values as an array of those values. Large fields may be `null` (over journalctl's data limit).
 */
export const journalJson: LineParser = {
  name: 'journal-json',
  parse(line: string, ctx: ParseContext): LogRecord | undefined {
    const entry = parseJsonObject(line);
    if (entry === undefined || !isJournalEntry(entry)) return undefined;
    return journalRecord(entry, ctx);
  },
};

/**
 * The record for one journal entry given as journalctl's JSON object (or as the same fields read
 * from another journalctl output format): MESSAGE is the message, every other field is kept.
 *
 * This runs once per journal line on the agent's hot path, so it walks the entry once, picking
 * out the few fields the record needs by name as it copies the rest, and allocates nothing else.
 */
export function journalRecord(entry: Record<string, unknown>, ctx: ParseContext): LogRecord {
  const fields: Record<string, unknown> = {};
  let message: unknown;
  let realtime: string | undefined;
  let hostName: string | undefined;
  let priority: string | undefined;
  let unit: string | undefined;
  let identifier: string | undefined;
  let containerId: string | undefined;
  let containerIdFull: string | undefined;
  let containerName: string | undefined;
  let imageName: string | undefined;
  for (const key of Object.keys(entry)) {
    const raw = entry[key];
    if (key === 'MESSAGE') {
      message = raw;
      continue;
    }
    const value = typeof raw === 'string' ? raw : fieldText(raw);
    fields[key] = value;
    if (value === undefined || value === '') continue;
    switch (key) {
      case '__REALTIME_TIMESTAMP':
        realtime = value;
        break;
      case '_HOSTNAME':
        hostName = value;
        break;
      case 'PRIORITY':
        priority = value;
        break;
      case '_SYSTEMD_UNIT':
        unit = value;
        break;
      case 'SYSLOG_IDENTIFIER':
        identifier = value;
        break;
      case 'CONTAINER_ID':
        containerId = value;
        break;
      case 'CONTAINER_ID_FULL':
        containerIdFull = value;
        break;
      case 'CONTAINER_NAME':
        containerName = value;
        break;
      case 'IMAGE_NAME':
        imageName = value;
        break;
    }
  }

  const record: LogRecord = {
    ts: validTs(realtime === undefined ? undefined : microsToMs(realtime), ctx),
    received_ts: ctx.received_ts,
    host: hostName ?? ctx.host,
    source: ctx.source,
    message: stripAnsi((typeof message === 'string' ? message : fieldText(message)) ?? ''),
    fields,
    format: 'journal-json',
  };
  if (priority !== undefined && priority.length === 1) {
    const level = priority.charCodeAt(0) - 0x30;
    if (level >= 0 && level <= 7) record.severity = level;
  }

  const id = containerIdFull ?? containerId;
  let container: ContainerRef | undefined;
  if (id !== undefined || containerName !== undefined) {
    container = {};
    if (id !== undefined) container.id = id;
    if (containerName !== undefined) container.name = containerName;
    if (imageName !== undefined) container.image = imageName;
    record.container = container;
  }
  // Docker's journald driver logs every container under docker.service; the identifier (the
  // container's tag) is what tells one service from another there.
  const service = container ? (identifier ?? unit) : (unit ?? identifier);
  if (service !== undefined) record.service = service;
  return record;
}

/** App JSON rarely carries journald's double-underscore or trusted fields; journal entries always do. */
function isJournalEntry(entry: Record<string, unknown>): boolean {
  if ('__REALTIME_TIMESTAMP' in entry || '__CURSOR' in entry) return true;
  return (
    'MESSAGE' in entry && ('_HOSTNAME' in entry || '_SYSTEMD_UNIT' in entry || 'SYSLOG_IDENTIFIER' in entry)
  );
}

/** A journal field value as text: bytes are decoded as UTF-8, repeated values joined by newlines. */
function fieldText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'number')) return decodeBytes(value);
    return value.map((v) => fieldText(v) ?? '').join('\n');
  }
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function decodeBytes(values: number[]): string {
  const bytes = Buffer.allocUnsafe(values.length);
  for (let i = 0; i < values.length; i++) bytes[i] = values[i]! & 0xff;
  return bytes.toString('utf8');
}
