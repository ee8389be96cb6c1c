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
 */
export function journalRecord(entry: Record<string, unknown>, ctx: ParseContext): LogRecord {
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry)) {
    if (key !== 'MESSAGE') fields[key] = fieldText(value);
  }
  const text = (key: string): string | undefined => {
    const value = fields[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };

  const record: LogRecord = {
    ts: validTs(microsToMs(text('__REALTIME_TIMESTAMP') ?? ''), ctx),
    received_ts: ctx.received_ts,
    host: text('_HOSTNAME') ?? ctx.host,
    source: ctx.source,
    message: stripAnsi(fieldText(entry.MESSAGE) ?? ''),
    fields,
    format: 'journal-json',
  };
  const priority = text('PRIORITY');
  if (priority !== undefined && /^[0-7]$/.test(priority)) record.severity = Number(priority);

  const container = containerOf(text);
  if (container !== undefined) record.container = container;
  // Docker's journald driver logs every container under docker.service; the identifier (the
  // container's tag) is what tells one service from another there.
  const service = container
    ? (text('SYSLOG_IDENTIFIER') ?? text('_SYSTEMD_UNIT'))
    : (text('_SYSTEMD_UNIT') ?? text('SYSLOG_IDENTIFIER'));
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

function containerOf(text: (key: string) => string | undefined): ContainerRef | undefined {
  const id = text('CONTAINER_ID_FULL') ?? text('CONTAINER_ID');
  const name = text('CONTAINER_NAME');
  if (id === undefined && name === undefined) return undefined;
  const container: ContainerRef = {};
  if (id !== undefined) container.id = id;
  if (name !== undefined) container.name = name;
  const image = text('IMAGE_NAME');
  if (image !== undefined) container.image = image;
  return container;
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
