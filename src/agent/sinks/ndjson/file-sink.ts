import { appendFile, mkdir, rename, stat } from 'node:fs/promises';
import path from 'node:path';
import { decodeBatch, type EncodedBatch } from '../../encoded-batch.ts';
import type { SendResult, Sink } from '../sink.ts';
import type { FileSinkConfig } from './config.ts';
import { ndjsonLines } from './ndjson-lines.ts';

/** Appends every record to a file as NDJSON, rotating once to `<path>.1` at `max_size_bytes`. */
export class FileSink implements Sink {
  readonly kind = 'file';
  readonly id: string;
  private size: number | undefined;

  constructor(private readonly config: FileSinkConfig) {
    this.id = `file:${config.path}`;
  }

  async send(encoded: EncodedBatch): Promise<SendResult> {
    const text = Buffer.from(ndjsonLines(await decodeBatch(encoded)));
    try {
      if (this.size === undefined) {
        await mkdir(path.dirname(this.config.path), { recursive: true });
        this.size = await stat(this.config.path).then(
          (s) => s.size,
          () => 0,
        );
      }
      if (this.size > 0 && this.size + text.length > this.config.max_size_bytes) {
        await rename(this.config.path, `${this.config.path}.1`);
        this.size = 0;
      }
      await appendFile(this.config.path, text);
      this.size += text.length;
      return { outcome: 'ok' };
    } catch (error) {
      // A full disk or a permission problem may clear; the batch waits in the buffer meanwhile.
      this.size = undefined;
      const err = error as NodeJS.ErrnoException;
      return { outcome: 'retryable', reason: `${err.code ?? 'error'}: ${err.message}` };
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
