import type { NotifyEntry } from '../state/pipeline-store.ts';

export interface DedupInput {
  readonly firing: readonly string[];
  readonly resolved: readonly string[];
  readonly previous: NotifyEntry | undefined;
  readonly send_resolved: boolean;
  readonly repeat_interval_ms: number;
  readonly now: number;
}

export interface DedupDecision {
  readonly send: boolean;
  /** Resolved alerts this channel was told were firing: only those are worth a resolve notice. */
  readonly resolved: readonly string[];
}

/**
 * Dedup stage, after Alertmanager's needsUpdate: send when something fires that the channel has not
 * heard about, when something it heard about resolved, or when the repeat interval passed while
 * alerts still fire. Otherwise the channel already knows everything in the group.
 */
export function decide(input: DedupInput): DedupDecision {
  const prevFiring = new Set(input.previous?.firing ?? []);
  const owed = input.resolved.filter((fp) => prevFiring.has(fp));
  const resolved = input.send_resolved ? owed : [];
  if (!input.previous) return { send: input.firing.length > 0, resolved: [] };
  if (input.firing.some((fp) => !prevFiring.has(fp))) return { send: true, resolved };
  if (resolved.length > 0) return { send: true, resolved };
  const repeatDue = input.now - input.previous.sent_at >= input.repeat_interval_ms;
  return { send: input.firing.length > 0 && repeatDue, resolved };
}
