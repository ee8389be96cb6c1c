import type { IngestBatch } from '../../model/index.ts';
import type { PatternService } from '../patterns/service.ts';
import type { DocumentResult, LogDocumentId, StorageBackend } from '../storage/backend.ts';

export interface BatchStoreHooks {
  /** Gives every log record its pattern id before it is stored, and counts it once it is. */
  patterns?: PatternService;
  /** Called after a new batch is committed (alerting evaluates the rules it can change). */
  onStored?: (tenant: string, batch: IngestBatch) => void;
}

/**
 * The step every ingest route ends in, whatever the wire format (native, Elasticsearch `_bulk`,
 * remote write): records get their pattern ids, the batch is committed, and only a batch stored
 * for the first time reaches the pattern statistics and the alerting nudge.
 */
export class BatchStore {
  constructor(
    private readonly storage: StorageBackend,
    private readonly hooks: BatchStoreHooks = {},
  ) {}

  /** Resolves once the batch is committed: true, or false when its batch id was stored before. */
  async store(tenant: string, batch: IngestBatch, receivedTs: number): Promise<boolean> {
    await this.hooks.patterns?.assign(tenant, batch.logs);
    const { stored } = await this.storage.writeBatch(tenant, batch, receivedTs);
    if (stored) {
      this.hooks.onStored?.(tenant, batch);
      this.hooks.patterns?.observe(tenant, batch.logs);
    }
    return stored;
  }

  /**
   * `store` for records with Elasticsearch document ids (by position in `batch.logs`): resolves with
   * what became of each (a `create` of a stored id is a conflict and stores nothing).
   */
  async storeDocuments(
    tenant: string,
    batch: IngestBatch,
    receivedTs: number,
    ids: ReadonlyArray<LogDocumentId | undefined>,
  ): Promise<ReadonlyArray<DocumentResult | undefined>> {
    await this.hooks.patterns?.assign(tenant, batch.logs);
    const { documents = [] } = await this.storage.writeBatch(tenant, batch, receivedTs, ids);
    const written = batch.logs.filter((_, n) => documents[n]?.result !== 'conflict');
    this.hooks.onStored?.(tenant, { ...batch, logs: written });
    // A replaced line was counted when it first came.
    this.hooks.patterns?.observe(
      tenant,
      batch.logs.filter((_, n) => documents[n]?.result !== 'conflict' && documents[n]?.result !== 'updated'),
    );
    return documents;
  }
}
