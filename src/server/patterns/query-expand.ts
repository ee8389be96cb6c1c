import type { LogQuery } from '../query/log-query.ts';

/**
 * `pattern:<id>` must also find lines stored under the ids a pattern absorbed when it merged.
 * Rewrites each exact `pattern:` term into `pattern:(id OR absorbed…)`; `aliases` says which
 * ids a given id stands for (itself first).
 */
export async function expandPatternTerms(
  query: LogQuery,
  aliases: (id: string) => Promise<readonly string[]>,
): Promise<LogQuery> {
  switch (query.type) {
    case 'term': {
      if (query.field !== 'pattern' || query.prefix) return query;
      const ids = await aliases(query.text);
      if (ids.length <= 1) return query;
      return { type: 'or', items: ids.map((text) => ({ ...query, text })) };
    }
    case 'and':
    case 'or':
      return {
        type: query.type,
        items: await Promise.all(query.items.map((q) => expandPatternTerms(q, aliases))),
      };
    case 'not':
      return { type: 'not', item: await expandPatternTerms(query.item, aliases) };
    default:
      return query;
  }
}

export function mentionsPattern(query: LogQuery): boolean {
  switch (query.type) {
    case 'term':
    case 'exists':
    case 'range':
      return query.field === 'pattern';
    case 'and':
    case 'or':
      return query.items.some(mentionsPattern);
    case 'not':
      return mentionsPattern(query.item);
    default:
      return false;
  }
}
