import { matchesAll, type Alert } from '../model.ts';
import type { Silence } from '../state/pipeline-store.ts';

export function activeSilences(silences: readonly Silence[], now: number): Silence[] {
  return silences.filter((s) => s.starts_at <= now && now < s.ends_at);
}

/** Silence stage: a firing alert matched by an active silence of its tenant is not sent. */
export function silencedBy(alert: Alert, silences: readonly Silence[], now: number): Silence | undefined {
  return activeSilences(silences, now).find(
    (s) => s.tenant === alert.tenant && matchesAll(s.matchers, alert.labels),
  );
}
