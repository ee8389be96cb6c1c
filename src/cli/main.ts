import { Command, Option } from 'commander';
import {
  CONFIG_FILE_ENV,
  loadConfig,
  OPTIONS,
  type Command as CommandName,
  type Config,
} from '../config/index.ts';
import { LiveConfig } from '../config/etcd/live-config.ts';
import { BirdseyeError } from '../core/errors.ts';
import { VERSION } from '../version.ts';
import { addAgentStatusCommand } from './agent-status.ts';
import { loggerFor } from './commands.ts';
import { configCommand, flagValues } from './config-command.ts';
import { explainLines } from './explain.ts';
import { addPatternsCommand } from './patterns-command.ts';
import { tokenCommands } from './token.ts';

type Runner = (
  config: Readonly<Config>,
  logger: ReturnType<typeof loggerFor>,
  live?: LiveConfig,
) => Promise<void>;

// Each command's code is imported when it runs, so `birdseye agent` never loads the server's
// modules (SQLite, fastify, the alerting stack): the agent stays light (DESIGN.md).
const COMMANDS: Array<{ name: CommandName; summary: string; run: Runner }> = [
  {
    name: 'up',
    summary: 'run the server, a local agent and the UI in one process (what `npm start` runs)',
    run: async (config, logger) => (await import('./run-server.ts')).runUp(config, logger),
  },
  {
    name: 'server',
    summary: 'run the server: ingest, storage, API and UI',
    run: async (config, logger) => (await import('./run-server.ts')).runServer(config, logger),
  },
  {
    name: 'agent',
    summary: "collect this node's metrics and ship them to a server",
    run: async (...args) => (await import('./run-agent.ts')).runAgent(...args),
  },
];

function fail(error: unknown): never {
  if (error instanceof BirdseyeError) {
    process.stderr.write(`birdseye: ${error.message}\n`);
    process.exit(2);
  }
  const err = error as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') {
    process.stderr.write(
      `birdseye: ${err.message}: another program uses that port; choose another with --port\n`,
    );
    process.exit(2);
  }
  process.stderr.write(`birdseye: ${err.stack ?? String(error)}\n`);
  process.exit(1);
}

/** `birdseye agent config --explain`: the agent's effective config and where each value came from. */
function explainCommand(agent: Command): void {
  const command = agent
    .command('config')
    .description("print the agent's effective config: each value and where it came from")
    .requiredOption(
      '--explain',
      'print each effective value with its origin (default, file, etcd, env, flag)',
    );
  command.addOption(new Option('-c, --config <file>', 'YAML config file').env(CONFIG_FILE_ENV));
  for (const option of OPTIONS.filter((o) => o.commands.includes('agent'))) {
    const flag =
      option.type === 'boolean' ? `--${option.flag}` : `--${option.flag} <${option.argName ?? 'value'}>`;
    command.addOption(new Option(flag, `${option.help} [env: ${option.env}]`));
  }
  command.action(async (_own: unknown, self: Command) => {
    try {
      // Flags may stand before or after `config`; the ones before belong to `agent`.
      const flags = self.optsWithGlobals<Record<string, unknown>>();
      const load = { file: flags.config as string | undefined, flags: flagValues(flags) };
      const logger = loggerFor(loadConfig(load));
      const live = await LiveConfig.start({ load, logger, watch: false });
      await live.close();
      const lines = explainLines(live.current, (key) => !key.startsWith('server.'));
      if (live.etcd.endpoints.length && live.source !== 'etcd') {
        lines.unshift(`# etcd unreachable: etcd values are from the cache (${live.source})`);
      }
      process.stdout.write(`${lines.join('\n')}\n`);
    } catch (error) {
      fail(error);
    }
  });
}

export function buildProgram(): Command {
  const program = new Command('birdseye')
    .description('Logs, metrics and events of a container cluster, on one timeline.')
    .version(VERSION)
    .showHelpAfterError();

  for (const spec of COMMANDS) {
    const command = program.command(spec.name).description(spec.summary);
    command.addOption(
      new Option('-c, --config <file>', 'YAML config file (keys as in docs/configuration.md)').env(
        CONFIG_FILE_ENV,
      ),
    );
    for (const option of OPTIONS.filter((o) => o.commands.includes(spec.name))) {
      const flag =
        option.type === 'boolean' ? `--${option.flag}` : `--${option.flag} <${option.argName ?? 'value'}>`;
      // The environment is read by the config loader, so precedence stays in one place; here it is only shown.
      command.addOption(new Option(flag, `${option.help} [env: ${option.env}]`));
    }
    command.action(async (flags: Record<string, unknown>) => {
      try {
        const camel = Object.fromEntries(
          OPTIONS.map((o) => [
            o.flag,
            flags[o.flag.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase())],
          ]),
        );
        const load = { file: flags.config as string | undefined, flags: camel };
        const logger = loggerFor(loadConfig(load));
        // With --etcd the cluster-wide settings join in (precedence in config/load.ts); the agent also watches them.
        const live = await LiveConfig.start({ load, logger, watch: spec.name === 'agent' });
        await spec.run(live.current.config, logger, live);
        if (spec.name !== 'agent') await live.close();
      } catch (error) {
        fail(error);
      }
    });
    if (spec.name === 'agent') explainCommand(command);
    if (spec.name === 'agent') addAgentStatusCommand(command);
  }
  program.addCommand(configCommand(fail));
  program
    .command('anomaly')
    .description('offline anomaly detection with the production detector')
    .command('score')
    .description('score a series (CSV timestamp,value) and print per row baseline, bounds, score and flag')
    .requiredOption('--input <file>', 'CSV with columns timestamp,value (epoch ms/s or RFC 3339)')
    .option('--sensitivity <level>', 'low, medium or high (bounds at 6, 4.5 or 3 robust σ)', 'medium')
    .option('--min-history <duration>', 'cold start: no flags before this much history, e.g. 3d', '3d')
    .option('--direction <which>', 'both, up (only rises) or down', 'both')
    .action(async (flags: { input: string; sensitivity: string; minHistory: string; direction: string }) => {
      try {
        const { anomalyScore } = await import('./anomaly-score.ts');
        anomalyScore(flags, (line) => process.stdout.write(`${line}\n`));
      } catch (error) {
        fail(error);
      }
    });
  tokenCommands(program, fail);
  addPatternsCommand(program, fail);
  return program;
}

await buildProgram().parseAsync(process.argv);
