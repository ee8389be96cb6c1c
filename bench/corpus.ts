import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const FIXTURES = fileURLToPath(new URL('../test/fixtures/parse', import.meta.url));

function linesOf(dir: string): string[] {
  const full = path.join(FIXTURES, dir);
  return (
    readdirSync(full)
      // Stack traces would be joined into fewer records; the corpus counts one record per line.
      .filter((f) => !f.endsWith('.md') && !f.includes('trace'))
      .flatMap((f) => readFileSync(path.join(full, f), 'utf8').split('\n'))
      .filter((line) => line.trim() !== '' && !line.includes('\u0000'))
  );
}

/**
 * Benchmark corpora built from the real captured lines in test/fixtures/parse, repeated to `n`
 * lines. Each line gets a sequence number in its message so every line is distinct.
 */
export function journalCorpus(n: number): string[] {
  const entries = linesOf('journal-json').map((l) => JSON.parse(l) as Record<string, unknown>);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const entry = entries[i % entries.length]!;
    out.push(JSON.stringify({ ...entry, MESSAGE: `${String(entry.MESSAGE)} #${i}` }));
  }
  return out;
}

export function mixedCorpus(n: number): string[] {
  const formats = ['journal-short', 'logfmt', 'json', 'rfc5424', 'rfc3164', 'plain'].map(linesOf);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const lines = formats[i % formats.length]!;
    out.push(`${lines[Math.floor(i / formats.length) % lines.length]!} #${i}`);
  }
  return out;
}
