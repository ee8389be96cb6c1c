import type { Command } from 'commander';
import { CONFIG_FILE_ENV, loadConfig } from '../config/index.ts';
import type { AgentStatus } from '../agent/status/agent-status.ts';
import { formatBytes } from '../agent/status/catch-up.ts';

function ago(ts: number, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - ts) / 1000));
  return s < 120
    ? `${s} s ago`
    : s < 7200
      ? `${Math.round(s / 60)} min ago`
      : `${(s / 3600).toFixed(1)} h ago`;
}

function duration(s: number): string {
  if (s < 120) return `${Math.round(s)} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return s < 172_800 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86_400).toFixed(1)} d`;
}

/** The status as a person reads it: one block per part, numbers with units. */
export function formatStatus(status: AgentStatus, now = Date.now()): string {
  const lines = [
    `Birdseye agent ${status.version} on ${status.host}, up ${duration(status.uptime_seconds)}`,
    `  Server     ${status.server_url}`,
    '  Sources',
    ...status.sources.map(
      (s) =>
        `    ${s.id.padEnd(14)} received ${s.received_events}, errors ${s.errors}, dropped ${s.dropped_events}` +
        (s.position
          ? `, position ${s.position.length > 60 ? `${s.position.slice(0, 57)}...` : s.position}`
          : ''),
    ),
    '  Buffer',
    ...status.buffers.map(
      (b) =>
        `    ${b.id.padEnd(14)} backlog ${formatBytes(b.backlog_bytes)} in ${b.backlog_entries} batches` +
        `, oldest ${duration(b.oldest_age_seconds)}, draining ${formatBytes(b.drain_bytes_per_second)}/s` +
        ` (disk ${formatBytes(b.disk_bytes)} of ${formatBytes(b.max_size_bytes)})`,
    ),
    '  Sinks',
    ...status.sinks.map(
      (s) =>
        `    ${s.id.padEnd(14)} sent ${s.sent_events} (${formatBytes(s.sent_bytes)}), dropped ${s.dropped_events}, errors ${s.errors}`,
    ),
    `  Last error ${status.last_error ? `${ago(status.last_error.ts, now)} (${status.last_error.sink}): ${status.last_error.message}` : 'none'}`,
  ];
  return lines.join('\n') + '\n';
}

interface StatusFlags {
  config?: string;
  agentPort?: string;
  json?: boolean;
}

/** `birdseye agent status`: asks the running agent on its local port and prints what it says. */
export function addAgentStatusCommand(agent: Command): void {
  agent
    .command('status')
    .description("show a running agent's sources, buffer backlog and delivery (from its local port)")
    .option(
      '-c, --config <file>',
      "the agent's YAML config file, for agent.port",
      process.env[CONFIG_FILE_ENV],
    )
    .option('--agent-port <n>', "the agent's local port (default: agent.port, 9001)")
    .option('--json', 'print the raw JSON of GET /status')
    .action(async (own: StatusFlags, command: Command) => {
      // `--agent-port` and `--config` are also options of `birdseye agent`, which takes them first.
      const defined = Object.entries(own).filter(([, v]) => v !== undefined);
      const flags: StatusFlags = { ...command.parent?.opts<StatusFlags>(), ...Object.fromEntries(defined) };
      const config = loadConfig({ file: flags.config, flags: { 'agent-port': flags.agentPort } });
      const address = config.agent.listen_address === '0.0.0.0' ? '127.0.0.1' : config.agent.listen_address;
      const where = `${address.includes(':') ? `[${address}]` : address}:${config.agent.port}`;
      let status: AgentStatus;
      try {
        const response = await fetch(`http://${where}/status`, { signal: AbortSignal.timeout(5000) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        status = (await response.json()) as AgentStatus;
      } catch (error) {
        const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
        const why =
          cause?.code === 'ECONNREFUSED' ? 'nothing is listening there' : (cause ?? (error as Error)).message;
        process.stderr.write(
          `birdseye: no agent answered on ${where} (${why}).\n` +
            '  Start one with `birdseye agent --server URL --token TOKEN`, or pass --agent-port if it uses another port.\n' +
            '  (`birdseye up` has no agent port: its agent is on the Status page of the UI.)\n',
        );
        process.exit(1);
      }
      process.stdout.write(flags.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
    });
}
