import { z } from 'zod';

/**
 * `server.tls`: with a certificate and key the server speaks only HTTPS. With `client_ca_file`
 * every client must present a certificate signed by that CA, checked during the handshake, so a
 * client without one never reaches the API (agents set `agent.tls.cert_file`/`key_file`).
 */
export const serverTlsSchema = z
  .object({
    /** PEM certificate, with its intermediates after it. */
    cert_file: z.string().min(1),
    key_file: z.string().min(1),
    client_ca_file: z.string().min(1).optional(),
  })
  .strict();

export type ServerTlsConfig = z.infer<typeof serverTlsSchema>;
