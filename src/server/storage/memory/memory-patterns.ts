import {
  applyUpdate,
  summarise,
  type PatternQuery,
  type PatternRow,
  type PatternSummary,
  type PatternUpdate,
} from '../pattern-types.ts';

interface TenantPatterns {
  rows: Map<string, PatternRow>;
  /** `${pattern}\u0000${bucket}` → lines. */
  counts: Map<string, number>;
}

/** Pattern rows and per-minute counts for the memory backend. */
export class MemoryPatterns {
  private readonly tenants = new Map<string, TenantPatterns>();

  private tenant(name: string): TenantPatterns {
    let data = this.tenants.get(name);
    if (!data) this.tenants.set(name, (data = { rows: new Map(), counts: new Map() }));
    return data;
  }

  write(tenant: string, updates: readonly PatternUpdate[]): void {
    const data = this.tenant(tenant);
    for (const u of updates) {
      data.rows.set(u.id, applyUpdate(data.rows.get(u.id), u));
      for (const [ts, n] of u.buckets) {
        const key = `${u.id}\u0000${ts}`;
        data.counts.set(key, (data.counts.get(key) ?? 0) + n);
      }
    }
  }

  query(tenant: string, q: PatternQuery): PatternSummary[] {
    const data = this.tenant(tenant);
    const counts = [...data.counts].map(([key, n]): [string, number, number] => {
      const [id, ts] = key.split('\u0000');
      return [id!, Number(ts), n];
    });
    return summarise(data.rows, counts, q);
  }

  dropBefore(cutoffTs: number): void {
    for (const data of this.tenants.values()) {
      for (const key of data.counts.keys()) {
        if (Number(key.split('\u0000')[1]) < cutoffTs) data.counts.delete(key);
      }
    }
  }
}
