import { readFileSync } from 'node:fs';
import { TemplateMiner, type MinerOptions } from './miner.ts';

/**
 * Grouping accuracy as the Loghub benchmark defines it (Zhu et al., ICSE-SEIP 2019): a line is
 * parsed correctly only when the group the miner put it in holds exactly the lines of its true
 * template — no more, no fewer. The score is the share of such lines.
 */
export function groupAccuracy(predicted: readonly string[], truth: readonly string[]): number {
  if (predicted.length !== truth.length) throw new Error('predicted and truth differ in length');
  if (predicted.length === 0) return 1;
  const byPredicted = new Map<string, number[]>();
  const truthSize = new Map<string, number>();
  predicted.forEach((p, i) => {
    let lines = byPredicted.get(p);
    if (!lines) byPredicted.set(p, (lines = []));
    lines.push(i);
    truthSize.set(truth[i]!, (truthSize.get(truth[i]!) ?? 0) + 1);
  });
  let correct = 0;
  for (const lines of byPredicted.values()) {
    const label = truth[lines[0]!]!;
    if (lines.every((i) => truth[i] === label) && truthSize.get(label) === lines.length)
      correct += lines.length;
  }
  return correct / predicted.length;
}

export interface LabeledLine {
  readonly label: string;
  readonly content: string;
}

/** A fixture of test/fixtures/patterns: one `EventId<TAB>Content` per line. */
export function readLabeled(file: string): LabeledLine[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return { label: line.slice(0, tab), content: line.slice(tab + 1) };
    });
}

/** Mines a data set with a fresh miner, the way the server would for one source. */
export function measure(lines: readonly LabeledLine[], options: Partial<MinerOptions> = {}): number {
  const miner = new TemplateMiner(options);
  const ids = lines.map((l) => miner.mine('bench', 'dataset', l.content).id);
  const final = ids.map((id) => miner.resolve('bench', 'dataset', id));
  return groupAccuracy(
    final,
    lines.map((l) => l.label),
  );
}
