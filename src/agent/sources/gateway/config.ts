import { z } from 'zod';
import { BirdseyeError } from '../../../core/errors.ts';
import { parseConfigSchema } from '../../../parse/index.ts';

const tlsSchema = z
  .object({
    cert_file: z.string().min(1),
    key_file: z.string().min(1),
    /** With a CA file, clients must present a certificate it signed. */
    ca_file: z.string().min(1).optional(),
  })
  .strict();

/** What every listener can set: how lines are framed and parsed, limits, TLS and tenant token. */
const listenerOptions = {
  bind_address: z.string().min(1).default('0.0.0.0'),
  /** Records from this listener are shipped with this token, i.e. into its tenant. */
  token: z.string().min(1).optional(),
  tls: tlsSchema.optional(),
  /** Connections past this are refused (and counted) until others close. */
  max_connections: z.number().int().min(1).max(100_000).default(1000),
  /** A connection silent this long is closed; what it sent is kept. */
  idle_timeout_ms: z.number().int().min(1000).default(300_000),
};

export const listenerSchema = parseConfigSchema
  .extend({
    name: z.string().min(1).optional(),
    protocol: z.enum(['tcp', 'udp']).default('tcp'),
    port: z.number().int().min(0).max(65_535),
    ...listenerOptions,
  })
  .strict();

/**
 * The gateway: a TCP listener on `port` (default 9000) and, if set, a UDP one on `udp_port`, both
 * with the top-level options; `listeners` adds more, each with its own options. Framing defaults to
 * auto (newline or RFC 6587 octet counting) and format to auto-detection per line.
 */
export const gatewaySchema = parseConfigSchema
  .extend({
    /** TCP port of the default listener; 0 turns it off. */
    port: z.number().int().min(0).max(65_535).default(9000),
    /** UDP port of the default listener (syslog, plain lines); 0 = off. */
    udp_port: z.number().int().min(0).max(65_535).default(0),
    framing: z.enum(['newline', 'octet-counting', 'auto']).default('auto'),
    ...listenerOptions,
    listeners: z.array(listenerSchema).default([]),
  })
  .strict();

export type GatewayConfig = z.infer<typeof gatewaySchema>;
export type ListenerConfig = z.infer<typeof listenerSchema>;

/** The default listeners from the top-level keys, then the extra ones. */
export function listenersOf(gateway: GatewayConfig): ListenerConfig[] {
  const { port, udp_port, listeners, ...shared } = gateway;
  const out: ListenerConfig[] = [];
  if (port !== 0) out.push({ ...shared, protocol: 'tcp', port, name: 'tcp' });
  // Octet counting is a stream framing; a datagram is always one message.
  if (udp_port !== 0) out.push({ ...shared, protocol: 'udp', port: udp_port, name: 'udp', tls: undefined });
  return [...out, ...listeners];
}

/** A listener that cannot bind says which port, why, and which setting to change. */
export function listenError(error: unknown, listener: ListenerConfig): BirdseyeError {
  const err = error as NodeJS.ErrnoException;
  const where = `${listener.protocol} ${listener.bind_address}:${listener.port}`;
  const hint =
    listener.name === 'tcp'
      ? 'choose another with --gateway-port (0 turns the gateway off)'
      : listener.name === 'udp'
        ? 'choose another agent.gateway.udp_port (0 = off)'
        : 'change the port of this entry in agent.gateway.listeners';
  const why = err.code === 'EADDRINUSE' ? 'the port is in use by another program' : err.message;
  return new BirdseyeError('BE_LISTEN', `gateway cannot listen on ${where}: ${why}; ${hint}`, {
    cause: error,
  });
}
