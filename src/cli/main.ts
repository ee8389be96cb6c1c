import { Command, Option } from 'commander';
import {
  CONFIG_FILE_ENV,
  loadConfig,
  OPTIONS,
  type Command as CommandName,
  type Config,
} from '../config/index.ts';
import { BirdseyeError } from '../core/errors.ts';
import { VERSION } from '../version.ts';
import { loggerFor } from './commands.ts';
import { addPatternsCommand } from './patterns-command.ts';
import { runAgent, runServer, runUp } from './run.ts';

type Runner = (config: Readonly<Config>, logger: ReturnType<typeof loggerFor>) => Promise<void>;

const COMMANDS: Array<{ name: CommandName; summary: string; run: Runner }> = [
  {
    name: 'up',
    summary: 'run the server, a local agent and the UI in one process (what `npm start` runs)',
    run: runUp,
  },
  { name: 'server', summary: 'run the server: ingest, storage, API and UI', run: runServer },
  { name: 'agent', summary: "collect this node's metrics and ship them to a server", run: runAgent },
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
        const config = loadConfig({ file: flags.config as string | undefined, flags: camel });
        await spec.run(config, loggerFor(config));
      } catch (error) {
        fail(error);
      }
    });
  }
  addPatternsCommand(program, fail);
  return program;
}

await buildProgram().parseAsync(process.argv);
