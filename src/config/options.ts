/**
 * Every option a user can set on the command line also has a `BIRDSEYE_*` environment variable and
 * a config-file key. This table is the single list: the CLI builds its flags from it and the loader
 * reads the environment through it, so the three can never drift apart.
 */
export type Command = 'up' | 'server' | 'agent' | 'config';

export interface OptionSpec {
  /** Long flag without dashes, e.g. `data-dir`. */
  readonly flag: string;
  readonly env: string;
  /** Key path in the config file, e.g. ['server', 'port']. */
  readonly path: readonly string[];
  readonly type: 'string' | 'int' | 'boolean';
  readonly argName?: string;
  readonly help: string;
  readonly commands: readonly Command[];
}

const ALL: readonly Command[] = ['up', 'server', 'agent'];
const SERVER: readonly Command[] = ['up', 'server'];
const AGENT: readonly Command[] = ['up', 'agent'];
const ETCD: readonly Command[] = ['up', 'server', 'agent', 'config'];

export const OPTIONS: readonly OptionSpec[] = [
  {
    flag: 'data-dir',
    env: 'BIRDSEYE_DATA_DIR',
    path: ['data_dir'],
    type: 'string',
    argName: 'dir',
    help: 'where data, tokens and agent state live (default ./data)',
    commands: ALL,
  },
  {
    flag: 'host-name',
    env: 'BIRDSEYE_HOST_NAME',
    path: ['host_name'],
    type: 'string',
    argName: 'name',
    help: "name this node reports as (default: the machine's hostname)",
    commands: ALL,
  },
  {
    flag: 'log-level',
    env: 'BIRDSEYE_LOG_LEVEL',
    path: ['log_level'],
    type: 'string',
    argName: 'level',
    help: 'trace, debug, info, warn, error or silent (default info)',
    commands: ALL,
  },
  {
    flag: 'log-format',
    env: 'BIRDSEYE_LOG_FORMAT',
    path: ['log_format'],
    type: 'string',
    argName: 'format',
    help: 'text, json, or auto: text on a terminal, JSON otherwise (default auto)',
    commands: ALL,
  },
  {
    flag: 'port',
    env: 'BIRDSEYE_PORT',
    path: ['server', 'port'],
    type: 'int',
    argName: 'n',
    help: 'HTTP port of the API and UI (default 8080; 0 picks a free port)',
    commands: SERVER,
  },
  {
    flag: 'listen-address',
    env: 'BIRDSEYE_LISTEN_ADDRESS',
    path: ['server', 'listen_address'],
    type: 'string',
    argName: 'addr',
    help: 'address the server binds to (default 0.0.0.0)',
    commands: SERVER,
  },
  {
    flag: 'admin-token',
    env: 'BIRDSEYE_ADMIN_TOKEN',
    path: ['server', 'admin_token'],
    type: 'string',
    argName: 'token',
    help: 'admin token of the default tenant (default: generated on first start, saved to <data-dir>/admin-token)',
    commands: SERVER,
  },
  {
    flag: 'server',
    env: 'BIRDSEYE_SERVER',
    path: ['agent', 'server_url'],
    type: 'string',
    argName: 'url',
    help: 'server URL the agent ships to, e.g. https://birdseye:8080',
    commands: ['agent'],
  },
  {
    flag: 'token',
    env: 'BIRDSEYE_TOKEN',
    path: ['agent', 'token'],
    type: 'string',
    argName: 'token',
    help: 'ingest token the agent sends to the server',
    commands: ['agent'],
  },
  {
    flag: 'agent-port',
    env: 'BIRDSEYE_AGENT_PORT',
    path: ['agent', 'port'],
    type: 'int',
    argName: 'n',
    help: "port of the agent's /healthz and /metrics on 127.0.0.1 (default 9001; 0 = off)",
    commands: ['agent'],
  },
  {
    flag: 'gateway-port',
    env: 'BIRDSEYE_GATEWAY_PORT',
    path: ['agent', 'gateway', 'port'],
    type: 'int',
    argName: 'n',
    help: 'TCP port of the log gateway: send it any log lines (default 9000; 0 = off)',
    commands: AGENT,
  },
  {
    flag: 'interval-ms',
    env: 'BIRDSEYE_INTERVAL_MS',
    path: ['agent', 'host_metrics', 'interval_ms'],
    type: 'int',
    argName: 'ms',
    help: 'host metrics collection interval (default 10000)',
    commands: AGENT,
  },
  {
    flag: 'proc-root',
    env: 'BIRDSEYE_PROC_ROOT',
    path: ['agent', 'host_metrics', 'proc_root'],
    type: 'string',
    argName: 'dir',
    help: "where the host's /proc is mounted (default /proc)",
    commands: AGENT,
  },
  {
    flag: 'etcd',
    env: 'BIRDSEYE_ETCD',
    path: ['etcd', 'endpoints'],
    type: 'string',
    argName: 'url[,url]',
    help: 'etcd v3 endpoints holding cluster-wide settings, e.g. http://etcd:2379',
    commands: ETCD,
  },
  {
    flag: 'etcd-cluster',
    env: 'BIRDSEYE_ETCD_CLUSTER',
    path: ['etcd', 'cluster'],
    type: 'string',
    argName: 'name',
    help: 'cluster name: settings live under /birdseye/<name>/ (default "default")',
    commands: ETCD,
  },
  {
    flag: 'etcd-user',
    env: 'BIRDSEYE_ETCD_USER',
    path: ['etcd', 'username'],
    type: 'string',
    argName: 'user',
    help: 'etcd user name (etcd auth)',
    commands: ETCD,
  },
  {
    flag: 'etcd-password',
    env: 'BIRDSEYE_ETCD_PASSWORD',
    path: ['etcd', 'password'],
    type: 'string',
    argName: 'password',
    help: 'etcd password (prefer the environment variable)',
    commands: ETCD,
  },
  {
    flag: 'etcd-ca',
    env: 'BIRDSEYE_ETCD_CA',
    path: ['etcd', 'ca_file'],
    type: 'string',
    argName: 'file',
    help: "CA certificate that signed etcd's server certificate",
    commands: ETCD,
  },
  {
    flag: 'etcd-cert',
    env: 'BIRDSEYE_ETCD_CERT',
    path: ['etcd', 'cert_file'],
    type: 'string',
    argName: 'file',
    help: 'client certificate for etcd',
    commands: ETCD,
  },
  {
    flag: 'etcd-key',
    env: 'BIRDSEYE_ETCD_KEY',
    path: ['etcd', 'key_file'],
    type: 'string',
    argName: 'file',
    help: 'key of the etcd client certificate',
    commands: ETCD,
  },
  {
    flag: 'tls-cert-file',
    env: 'BIRDSEYE_TLS_CERT_FILE',
    path: ['server', 'tls', 'cert_file'],
    type: 'string',
    argName: 'file',
    help: 'PEM certificate (with intermediates): the server speaks HTTPS; needs --tls-key-file',
    commands: SERVER,
  },
  {
    flag: 'tls-key-file',
    env: 'BIRDSEYE_TLS_KEY_FILE',
    path: ['server', 'tls', 'key_file'],
    type: 'string',
    argName: 'file',
    help: "PEM private key of the server's certificate",
    commands: SERVER,
  },
  {
    flag: 'tls-client-ca-file',
    env: 'BIRDSEYE_TLS_CLIENT_CA_FILE',
    path: ['server', 'tls', 'client_ca_file'],
    type: 'string',
    argName: 'file',
    help: 'only clients with a certificate signed by this CA may connect',
    commands: SERVER,
  },
  {
    flag: 'tls-ca-file',
    env: 'BIRDSEYE_TLS_CA_FILE',
    path: ['agent', 'tls', 'ca_file'],
    type: 'string',
    argName: 'file',
    help: "CA that signed the server's certificate (default: the system's CAs)",
    commands: ['agent'],
  },
  {
    flag: 'tls-client-cert-file',
    env: 'BIRDSEYE_TLS_CLIENT_CERT_FILE',
    path: ['agent', 'tls', 'cert_file'],
    type: 'string',
    argName: 'file',
    help: 'client certificate the agent presents to a server that requires one',
    commands: AGENT,
  },
  {
    flag: 'tls-client-key-file',
    env: 'BIRDSEYE_TLS_CLIENT_KEY_FILE',
    path: ['agent', 'tls', 'key_file'],
    type: 'string',
    argName: 'file',
    help: 'private key of the client certificate',
    commands: AGENT,
  },
];

export const CONFIG_FILE_ENV = 'BIRDSEYE_CONFIG';
