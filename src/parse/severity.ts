import type { Severity } from '../model/log-record.ts';

/**
 * Level names as logging libraries spell them, mapped to syslog severities (0 emerg … 7 debug).
 * Trace has no syslog equivalent and is folded into debug. logrus's four-letter terminal forms
 * (ERRO, WARN, DEBU, …) and ASP.NET's console prefixes (fail, crit, dbug, trce) are included.
 */
const NAMES: Record<string, Severity> = {
  emerg: 0,
  emergency: 0,
  panic: 0,
  pani: 0,
  alert: 1,
  crit: 2,
  critical: 2,
  fatal: 2,
  fata: 2,
  severe: 2,
  err: 3,
  error: 3,
  erro: 3,
  fail: 3,
  warn: 4,
  warning: 4,
  notice: 5,
  info: 6,
  information: 6,
  informational: 6,
  debug: 7,
  debu: 7,
  dbug: 7,
  trace: 7,
  trac: 7,
  trce: 7,
  verbose: 7,
};

/** Pino and bunyan number their levels 10 (trace) … 60 (fatal). */
const PINO: Record<number, Severity> = { 10: 7, 20: 7, 30: 6, 40: 4, 50: 3, 60: 2 };

export function severityFromName(name: string): Severity | undefined {
  return NAMES[name.toLowerCase()];
}

/** Numbers 0–7 are syslog severities already; 10–60 in steps of ten are pino/bunyan levels. */
export function severityFromNumber(value: number): Severity | undefined {
  if (Number.isInteger(value) && value >= 0 && value <= 7) return value as Severity;
  return PINO[value];
}

/** A level from a structured field, which may hold a name, a number or a numeric string. */
export function severityFromValue(value: unknown): Severity | undefined {
  if (typeof value === 'number') return severityFromNumber(value);
  if (typeof value !== 'string') return undefined;
  if (/^\d{1,2}$/.test(value)) return severityFromNumber(Number(value));
  return severityFromName(value);
}

/** The facility name of an RFC 5424 / 3164 PRI, for `fields.facility`. */
const FACILITIES = [
  'kern',
  'user',
  'mail',
  'daemon',
  'auth',
  'syslog',
  'lpr',
  'news',
  'uucp',
  'cron',
  'authpriv',
  'ftp',
  'ntp',
  'security',
  'console',
  'solaris-cron',
  'local0',
  'local1',
  'local2',
  'local3',
  'local4',
  'local5',
  'local6',
  'local7',
] as const;

export function facilityName(code: number): string {
  return FACILITIES[code] ?? String(code);
}
