import { z } from 'zod';

/** Syslog severities (RFC 5424): 0 emergency … 7 debug. journald's PRIORITY uses the same scale. */
export const SEVERITIES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;
export type Severity = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const containerRefSchema = z
  .object({
    id: z.string().optional(),
    name: z.string().optional(),
    image: z.string().optional(),
  })
  .strict();

export const logRecordSchema = z
  .object({
    /** Event time, UTC epoch milliseconds; journald's microseconds survive as the fraction. */
    ts: z.number().nonnegative(),
    /** When Birdseye first saw the line (UTC ms); equals ts when the line carried no time. */
    received_ts: z.number().nonnegative().optional(),
    host: z.string().min(1),
    /** Where the record came from: journald, docker, gateway, … */
    source: z.string().min(1),
    /** Unit, syslog identifier, compose service or app name. */
    service: z.string().optional(),
    severity: z.number().int().min(0).max(7).optional(),
    message: z.string(),
    container: containerRefSchema.optional(),
    fields: z.record(z.string(), z.unknown()).optional(),
    /** Parser that produced the record (journal-json, logfmt, rfc5424, plain, …). */
    format: z.string().optional(),
    /** No parser understood the line: message holds it exactly as received. */
    parse_error: z.boolean().optional(),
    /** The line was longer than the limit and was cut. */
    truncated: z.boolean().optional(),
  })
  .strict();

export type LogRecord = z.infer<typeof logRecordSchema>;
