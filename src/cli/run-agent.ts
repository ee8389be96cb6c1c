import type { LiveConfig } from '../config/etcd/live-config.ts';
import type { Config } from '../config/index.ts';
import type { Logger } from '../core/logger.ts';
import { superviseAgent } from './agent-supervisor.ts';
import { banner, dataDirOf, findingLines, sourceLines } from './commands.ts';
import { exitOnSignals } from './lifecycle.ts';

export async function runAgent(config: Readonly<Config>, logger: Logger, live?: LiveConfig): Promise<void> {
  if (!live) throw new Error('runAgent needs the live config');
  const supervised = await superviseAgent(live, logger);
  exitOnSignals(() => supervised.close(), logger);
  const agent = supervised.agent;
  const etcd = live.etcd.endpoints.length
    ? [`  etcd       ${live.etcd.endpoints.join(',')} ${live.prefix} (settings from ${live.source})`]
    : [];
  const targets = [config.agent.server_url, ...Object.keys(config.agent.sinks).map((kind) => `${kind} sink`)];
  banner([
    `  Agent      host "${config.host_name}" shipping to ${targets.filter(Boolean).join(', ') || '?'}`,
    ...etcd,
    ...(supervised.waiting ? [`  Waiting    ${supervised.waiting}`] : []),
    `  State      ${dataDirOf(config)}/agent`,
    ...(supervised.url ? [`  Metrics    ${supervised.url}/metrics`] : []),
    ...sourceLines(agent?.sources ?? []),
    ...findingLines(agent?.findings ?? []),
    'Stop with Ctrl-C.',
  ]);
}
