/**
 * A small Prometheus registry: counters and gauges with labels, rendered in the text exposition
 * format for `/metrics`. Every component reports the same four counters (see `componentCounters`).
 */
type Labels = Record<string, string>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge';
  readonly values: Map<string, { labels: Labels; value: number }>;
  /** Gauges computed when scraped; several components may add to one family. */
  readonly collectors: Array<() => Array<{ labels: Labels; value: number }>>;
}

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatSeries(name: string, labels: Labels, value: number): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return `${name}${parts.length ? `{${parts.join(',')}}` : ''} ${value}`;
}

export class Telemetry {
  private readonly families = new Map<string, Family>();

  private family(name: string, help: string, type: Family['type']): Family {
    let family = this.families.get(name);
    if (!family) {
      family = { name, help, type, values: new Map(), collectors: [] };
      this.families.set(name, family);
    }
    return family;
  }

  add(name: string, help: string, labels: Labels, by = 1): void {
    const values = this.family(name, help, 'counter').values;
    const key = labelKey(labels);
    const entry = values.get(key);
    if (entry) entry.value += by;
    else values.set(key, { labels, value: by });
  }

  /**
   * One series of a counter, looked up once: for the paths that count every record, where `add`'s
   * label key per call shows in profiles. The series appears (at 0) when made.
   */
  counter(name: string, help: string, labels: Labels): (by?: number) => void {
    const values = this.family(name, help, 'counter').values;
    const key = labelKey(labels);
    let entry = values.get(key);
    if (!entry) values.set(key, (entry = { labels, value: 0 }));
    const series = entry;
    return (by = 1) => {
      series.value += by;
    };
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.family(name, help, 'gauge').values.set(labelKey(labels), { labels, value });
  }

  /**
   * A gauge computed when scraped, e.g. a queue length. Several components may report under one
   * name (each with its own labels); the returned function removes this collector again.
   */
  gauge(name: string, help: string, collect: () => Array<{ labels: Labels; value: number }>): () => void {
    const collectors = this.family(name, help, 'gauge').collectors;
    collectors.push(collect);
    return () => {
      const at = collectors.indexOf(collect);
      if (at >= 0) collectors.splice(at, 1);
    };
  }

  get(name: string, labels: Labels = {}): number {
    return this.families.get(name)?.values.get(labelKey(labels))?.value ?? 0;
  }

  /** Every series of a family, counters and computed gauges alike (for status pages and self-reports). */
  series(name: string): Array<{ labels: Labels; value: number }> {
    const family = this.families.get(name);
    if (!family) return [];
    return [...family.values.values(), ...family.collectors.flatMap((collect) => collect())];
  }

  /** The sum of the series of `name` whose labels include `match`. */
  sum(name: string, match: Labels = {}): number {
    let total = 0;
    for (const { labels, value } of this.series(name)) {
      if (Object.entries(match).every(([k, v]) => labels[k] === v)) total += value;
    }
    return total;
  }

  render(): string {
    const lines: string[] = [];
    for (const family of this.families.values()) {
      lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
      const series = [...family.values.values(), ...family.collectors.flatMap((collect) => collect())];
      for (const { labels, value } of series) lines.push(formatSeries(family.name, labels, value));
    }
    return lines.join('\n') + '\n';
  }
}

export interface ComponentCounters {
  received(count: number, bytes?: number): void;
  sent(count: number, bytes?: number): void;
  error(stage: string, errorType: string): void;
  discarded(reason: string, count: number): void;
}

/** The counters every source, sink and ingest endpoint reports, labelled by kind and id. */
export function componentCounters(telemetry: Telemetry, kind: string, id: string): ComponentCounters {
  const base = { component_kind: kind, component_id: id };
  // Each series is looked up on first use, so a component that never sends shows no sent series.
  const lazy = (name: string, help: string) => {
    let series: ((by?: number) => void) | undefined;
    return (by: number) => (series ??= telemetry.counter(name, help, base))(by);
  };
  const receivedEvents = lazy('component_received_events_total', 'Events received by a component.');
  const receivedBytes = lazy('component_received_bytes_total', 'Bytes received by a component.');
  const sentEvents = lazy('component_sent_events_total', 'Events a component delivered downstream.');
  const sentBytes = lazy('component_sent_bytes_total', 'Bytes a component delivered downstream.');
  return {
    received(count, bytes) {
      receivedEvents(count);
      if (bytes !== undefined) receivedBytes(bytes);
    },
    sent(count, bytes) {
      sentEvents(count);
      if (bytes !== undefined) sentBytes(bytes);
    },
    error(stage, errorType) {
      telemetry.add('component_errors_total', 'Errors by stage and type.', {
        ...base,
        stage,
        error_type: errorType,
      });
    },
    discarded(reason, count) {
      telemetry.add(
        'component_discarded_events_total',
        'Events a component dropped, by reason.',
        { ...base, reason },
        count,
      );
    },
  };
}
