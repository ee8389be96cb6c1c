import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { BirdseyeError } from '../core/errors.ts';
import { FORMAT_NAMES, isFormatName, parseLine } from '../parse/index.ts';

export interface PatternsOptions {
  input: string;
  /** `raw` mines each line as it is; `auto` or a format name parses it first, as the gateway does. */
  format: string;
  similarity?: number;
  source: string;
}

/**
 * `birdseye patterns --input FILE`: the server's miner, offline. Prints one line per input line
 * (`<pattern id><TAB><line>`, the id as it stands after the whole file, so generalised and merged
 * patterns show one id), then the patterns with their counts, most frequent first.
 */
export async function runPatterns(options: PatternsOptions, out: NodeJS.WritableStream): Promise<void> {
  // The server's miner, imported here so that registering this command loads none of the server.
  const { patternsSchema } = await import('../server/patterns/config.ts');
  const { TemplateMiner } = await import('../server/patterns/miner.ts');
  const defaults = patternsSchema.parse({});
  const miner = new TemplateMiner({
    similarity: options.similarity ?? defaults.similarity,
    max_patterns: defaults.max_patterns_per_source,
    max_trees: defaults.max_sources,
  });
  const format = options.format;
  if (format !== 'raw' && format !== 'auto' && !isFormatName(format)) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `--format: "${format}" must be raw, auto or one of ${FORMAT_NAMES.join(', ')}`,
    );
  }
  const input = options.input === '-' ? process.stdin : createReadStream(options.input);
  const opened = new Promise<void>((resolve, reject) => {
    if (input === process.stdin) resolve();
    else input.once('open', () => resolve()).once('error', reject);
  });
  try {
    await opened;
  } catch (cause) {
    throw new BirdseyeError(
      'BE_CONFIG_INVALID',
      `--input: cannot read ${options.input}: ${(cause as Error).message}`,
    );
  }
  const lines: string[] = [];
  const ids: string[] = [];
  const ctx = { received_ts: Date.now(), host: 'cli', source: options.source };
  for await (const line of createInterface({ input, crlfDelay: Infinity })) {
    const message = format === 'raw' ? line : parseLine(line, ctx, format).message;
    ids.push(miner.mine('cli', options.source, message).id);
    lines.push(line);
  }
  const write = (text: string) => out.write(text);
  for (let i = 0; i < lines.length; i++)
    write(`${miner.resolve('cli', options.source, ids[i]!)}\t${lines[i]}\n`);
  const patterns = miner
    .patterns('cli', options.source)
    .sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
  write(`\n${patterns.length} patterns in ${lines.length} lines\n`);
  const width = String(patterns[0]?.count ?? 0).length;
  for (const p of patterns) write(`${String(p.count).padStart(width)}  ${p.id}  ${p.template}\n`);
  const stats = miner.stats();
  if (stats.evicted_patterns > 0)
    write(`(${stats.evicted_patterns} patterns evicted by the per-source limit)\n`);
}

export function addPatternsCommand(program: Command, fail: (error: unknown) => never): void {
  program
    .command('patterns')
    .description(
      "print each line's log pattern id, then the patterns with their counts (the server's miner, offline)",
    )
    .requiredOption('-i, --input <file>', 'log file to mine, one record per line; - reads standard input')
    .option(
      '--format <name>',
      `raw, auto or one of ${FORMAT_NAMES.join(', ')}: how lines become messages`,
      'auto',
    )
    .option('--similarity <share>', "share of a pattern's words a line must have in place to join it (0.1–1)")
    .option('--source <name>', 'source name the lines are mined under', 'file')
    .action(async (flags: { input: string; format: string; similarity?: string; source: string }) => {
      try {
        let similarity: number | undefined;
        if (flags.similarity !== undefined) {
          similarity = Number(flags.similarity);
          if (!(similarity >= 0.1 && similarity <= 1)) {
            throw new BirdseyeError(
              'BE_CONFIG_INVALID',
              `--similarity: "${flags.similarity}" must be a number from 0.1 to 1`,
            );
          }
        }
        await runPatterns({ ...flags, similarity }, process.stdout);
      } catch (error) {
        fail(error);
      }
    });
}
