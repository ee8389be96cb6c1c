import type { SeasonalModel } from './detector.ts';

/** Refit each series' model this often: fitting reads weeks of history, scoring reads minutes. */
export const REFIT_MS = 3_600_000;

/**
 * Fitted models per rule and series, in memory. Bounded: past MAX_MODELS the oldest fits are
 * dropped (and simply refitted when their series is seen again). A cold series is cached as
 * `undefined` too, so it is retried at the next refit rather than on every evaluation.
 */
export const MAX_MODELS = 100_000;

interface Entry {
  readonly model: SeasonalModel | undefined;
  readonly fitted_at: number;
}

export class ModelCache {
  private readonly entries = new Map<string, Entry>();

  /** The entry, or undefined when there is none or it is older than REFIT_MS. */
  fresh(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    return entry && now - entry.fitted_at < REFIT_MS ? entry : undefined;
  }

  set(key: string, model: SeasonalModel | undefined, now: number): void {
    this.entries.delete(key);
    this.entries.set(key, { model, fitted_at: now });
    if (this.entries.size > MAX_MODELS) this.entries.delete(this.entries.keys().next().value!);
  }
}
