/**
 * Splits an Elasticsearch `_bulk` body (NDJSON: an action line, then for index/create/update a
 * document line) into items. Parsing never throws: a line that cannot be read becomes an item with
 * an error, and the items around it are still taken, so one bad line costs only itself.
 */
export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface BulkItem {
  action: BulkAction;
  /** `_index` of the action, else the index in the URL. */
  index: string | undefined;
  id: string | undefined;
  doc?: Record<string, unknown>;
  /** Why the item cannot be stored (ES error type and reason); it gets a 400. */
  error?: { type: string; reason: string };
}

const ACTIONS = new Set<string>(['index', 'create', 'update', 'delete']);

function parseLine(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** An action line is an object with exactly one key, the action, holding its metadata. */
function asAction(value: unknown): { action: BulkAction; meta: Record<string, unknown> } | undefined {
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || !ACTIONS.has(keys[0]!)) return undefined;
  const meta = value[keys[0]!];
  return { action: keys[0] as BulkAction, meta: isObject(meta) ? meta : {} };
}

const str = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

export function parseBulkBody(body: string, pathIndex: string | undefined): BulkItem[] {
  const lines = body.split('\n').filter((line) => line.trim().length > 0);
  const items: BulkItem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const parsed = asAction(parseLine(line));
    if (!parsed) {
      items.push({
        action: 'index',
        index: pathIndex,
        id: undefined,
        error: {
          type: 'illegal_argument_exception',
          reason: `line ${i + 1}: expected an action line such as {"index":{}}, got ${JSON.stringify(line.slice(0, 80))}`,
        },
      });
      // The line after a broken action is its document, unless it reads as an action itself.
      if (i + 1 < lines.length && !asAction(parseLine(lines[i + 1]!))) i++;
      continue;
    }
    const item: BulkItem = {
      action: parsed.action,
      index: str(parsed.meta._index) ?? pathIndex,
      id: str(parsed.meta._id),
    };
    items.push(item);
    if (parsed.action === 'delete') {
      item.error = {
        type: 'action_not_supported',
        reason: 'Birdseye stores logs append-only: delete is not supported',
      };
      continue;
    }
    const docLine = lines[i + 1];
    if (docLine === undefined) {
      item.error = {
        type: 'illegal_argument_exception',
        reason: `line ${i + 1}: the ${parsed.action} action has no document line`,
      };
      continue;
    }
    i++;
    if (parsed.action === 'update') {
      item.error = {
        type: 'action_not_supported',
        reason: 'Birdseye stores logs append-only: update is not supported; use index',
      };
      continue;
    }
    const doc = parseLine(docLine);
    if (!isObject(doc)) {
      item.error = {
        type: 'document_parsing_exception',
        reason: `line ${i + 1}: the document is not a JSON object: ${JSON.stringify(docLine.slice(0, 80))}`,
      };
      continue;
    }
    item.doc = doc;
  }
  return items;
}
