import type { LogQuery } from '../query/log-query.ts';

/**
 * What storage keeps about log patterns (see src/server/patterns): one row per pattern with its
 * template, totals and a few example lines, and line counts per minute for ranking a time range
 * and drawing sparklines. The miner sends what it learned since its last flush as updates.
 */
export const PATTERN_BUCKET_MS = 60_000;
/** Example lines kept per pattern, the newest. */
export const PATTERN_EXAMPLES = 3;

export interface PatternUpdate {
  readonly id: string;
  readonly source: string;
  readonly template: string;
  /** New lines since the last flush, as [bucket start (multiple of PATTERN_BUCKET_MS), count]. */
  readonly buckets: ReadonlyArray<readonly [number, number]>;
  readonly first_seen: number;
  readonly last_seen: number;
  /** The most severe level seen (lowest number); null when no line had one. */
  readonly severity: number | null;
  /** Newest last. */
  readonly examples: readonly string[];
  /** This pattern was absorbed into another (its lines now count there). */
  readonly merged_into?: string;
}

export interface PatternQuery {
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  /** Width of a sparkline bucket; buckets start at `from`. */
  readonly step_ms: number;
  /** Words the template must contain (case-insensitive); empty for all. */
  readonly text?: string;
  /** Only patterns of this id (after merges), e.g. to resolve one id. */
  readonly id?: string;
}

export interface PatternSummary {
  readonly id: string;
  readonly source: string;
  readonly template: string;
  /** Lines in the queried range. */
  readonly count: number;
  /** Lines ever counted. */
  readonly total: number;
  readonly first_seen: number;
  readonly last_seen: number;
  readonly severity: number | null;
  readonly examples: readonly string[];
  /** Line counts per `step_ms` bucket from `from` to `to`. */
  readonly sparkline: number[];
  /** Ids absorbed into this one; `pattern:<id>` of any of them finds the same lines. */
  readonly merged: readonly string[];
}

export interface PatternGroupQuery {
  readonly query: LogQuery;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

/** Matching log records per pattern id (null: stored before mining or without a pattern). */
export interface PatternGroup {
  readonly pattern: string | null;
  readonly count: number;
}

export interface PatternRow {
  id: string;
  source: string;
  template: string;
  total: number;
  first_seen: number;
  last_seen: number;
  severity: number | null;
  examples: string[];
  merged_into: string | null;
}

/** Folds one update into a stored row (or makes the row): shared by every backend. */
export function applyUpdate(row: PatternRow | undefined, u: PatternUpdate): PatternRow {
  const added = u.buckets.reduce((sum, [, n]) => sum + n, 0);
  const severities = [row?.severity, u.severity].filter((s): s is number => typeof s === 'number');
  return {
    id: u.id,
    source: u.source,
    // An update without a template (the miner restarted since) keeps the stored one.
    template: u.template || (row?.template ?? ''),
    total: (row?.total ?? 0) + added,
    first_seen: Math.min(row?.first_seen ?? u.first_seen, u.first_seen),
    last_seen: Math.max(row?.last_seen ?? u.last_seen, u.last_seen),
    severity: severities.length > 0 ? Math.min(...severities) : null,
    examples: [...(row?.examples ?? []), ...u.examples].slice(-PATTERN_EXAMPLES),
    merged_into: u.merged_into ?? row?.merged_into ?? null,
  };
}

/** The id an absorbed pattern now counts under (merges can chain). */
export function resolvePattern(rows: ReadonlyMap<string, PatternRow>, id: string): string {
  let current = id;
  for (let hops = 0; hops < 16; hops++) {
    const next = rows.get(current)?.merged_into;
    if (!next) return current;
    current = next;
  }
  return current;
}

/**
 * Ranks patterns by their lines in the range: `counts` gives [pattern, bucket start, count] rows
 * from storage; absorbed patterns count under the pattern that absorbed them.
 */
export function summarise(
  rows: ReadonlyMap<string, PatternRow>,
  counts: Iterable<readonly [string, number, number]>,
  q: PatternQuery,
): PatternSummary[] {
  const width = Math.max(1, Math.ceil((q.to - q.from + 1) / q.step_ms));
  const found = new Map<string, { count: number; sparkline: number[] }>();
  for (const [pattern, ts, n] of counts) {
    if (ts + PATTERN_BUCKET_MS <= q.from || ts > q.to) continue;
    const id = resolvePattern(rows, pattern);
    let entry = found.get(id);
    if (!entry) found.set(id, (entry = { count: 0, sparkline: new Array<number>(width).fill(0) }));
    entry.count += n;
    const at = Math.min(width - 1, Math.max(0, Math.floor((ts - q.from) / q.step_ms)));
    entry.sparkline[at]! += n;
  }
  // Asked for by id: shown even without lines in the range.
  if (q.id !== undefined && rows.has(q.id)) {
    const id = resolvePattern(rows, q.id);
    if (!found.has(id)) found.set(id, { count: 0, sparkline: new Array<number>(width).fill(0) });
  }
  const words = (q.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const merged = new Map<string, string[]>();
  for (const row of rows.values()) {
    if (!row.merged_into) continue;
    const into = resolvePattern(rows, row.id);
    merged.set(into, [...(merged.get(into) ?? []), row.id]);
  }
  const out: PatternSummary[] = [];
  for (const [id, entry] of found) {
    const row = rows.get(id);
    if (!row) continue;
    if (q.id !== undefined && id !== resolvePattern(rows, q.id)) continue;
    const template = row.template.toLowerCase();
    if (!words.every((w) => template.includes(w))) continue;
    out.push({
      id,
      source: row.source,
      template: row.template,
      count: entry.count,
      total: row.total,
      first_seen: row.first_seen,
      last_seen: row.last_seen,
      severity: row.severity,
      examples: row.examples,
      sparkline: entry.sparkline,
      merged: merged.get(id) ?? [],
    });
  }
  out.sort((a, b) => b.count - a.count || b.last_seen - a.last_seen || a.id.localeCompare(b.id));
  return out.slice(0, q.limit);
}
