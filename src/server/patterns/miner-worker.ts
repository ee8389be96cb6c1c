import { parentPort, workerData } from 'node:worker_threads';
import { TemplateMiner, type MinerOptions, type MinerStats } from './miner.ts';

/**
 * The worker thread that owns the server's TemplateMiner (started by MinerThread): it mines the
 * batches the ingest path sends, in the order they arrive, and answers with their pattern ids, so
 * the main thread writes one batch while the next is mined. Its only state is the miner.
 */
export type ToWorker =
  | {
      readonly kind: 'mine';
      readonly seq: number;
      readonly tenant: string;
      readonly sources: readonly string[];
      readonly messages: readonly string[];
    }
  | {
      readonly kind: 'templates';
      readonly seq: number;
      /** [tenant, source, pattern id] */
      readonly keys: ReadonlyArray<readonly [string, string, string]>;
    };

export type FromWorker =
  | {
      readonly kind: 'mined';
      readonly seq: number;
      readonly ids: string[];
      /** [index of the line whose pattern absorbed another, the absorbed id] */
      readonly absorbed: Array<[number, string]>;
      /** Sent at most once a second: walking every tree per batch would cost more than mining. */
      readonly stats?: MinerStats;
    }
  | { readonly kind: 'templates'; readonly seq: number; readonly templates: Array<string | null> };

/** How often the miner's size rides along with an answer. */
const STATS_INTERVAL_MS = 1_000;

const port = parentPort;
if (port) {
  const miner = new TemplateMiner(workerData as Partial<MinerOptions>);
  let statsAt = 0;
  port.on('message', (msg: ToWorker) => {
    if (msg.kind === 'templates') {
      const templates = msg.keys.map(([tenant, source, id]) => miner.template(tenant, source, id) ?? null);
      port.postMessage({ kind: 'templates', seq: msg.seq, templates } satisfies FromWorker);
      return;
    }
    const ids = new Array<string>(msg.messages.length);
    const absorbed: Array<[number, string]> = [];
    for (let i = 0; i < msg.messages.length; i++) {
      const result = miner.mine(msg.tenant, msg.sources[i]!, msg.messages[i]!);
      ids[i] = result.id;
      if (result.absorbed !== undefined) absorbed.push([i, result.absorbed]);
    }
    const now = Date.now();
    const stats = now - statsAt >= STATS_INTERVAL_MS ? miner.stats() : undefined;
    if (stats) statsAt = now;
    port.postMessage({
      kind: 'mined',
      seq: msg.seq,
      ids,
      absorbed,
      ...(stats ? { stats } : {}),
    } satisfies FromWorker);
  });
}
