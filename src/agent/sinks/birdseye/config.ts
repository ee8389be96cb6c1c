import { z } from 'zod';

/**
 * `agent.tls`: how the agent checks an https:// server and, when the server asks for one, which
 * client certificate it presents. Without `ca_file` the system's CA store is used.
 */
export const agentTlsSchema = z
  .object({
    /** PEM bundle of the CA(s) that signed the server's certificate (a private CA, or a self-signed cert). */
    ca_file: z.string().min(1).optional(),
    /** Client certificate (PEM) for a server with `server.tls.client_ca_file`; needs `key_file`. */
    cert_file: z.string().min(1).optional(),
    key_file: z.string().min(1).optional(),
  })
  .strict();

export type AgentTlsConfig = z.infer<typeof agentTlsSchema>;
