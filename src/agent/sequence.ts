import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomic-file.ts';

const BLOCK = 10_000;

interface State {
  agent_id: string;
  /** Every sequence number below this may have been used already. */
  seq_reserved: number;
}

/**
 * The agent's identity and batch sequence. Batch ids (`<agent_id>:<seq>`) must never repeat, or the
 * server would drop a new batch as a duplicate; so sequence numbers are reserved on disk in blocks
 * before use, and a restart continues after the last reserved block (a gap, never a repeat).
 */
export class BatchSequence {
  readonly agentId: string;
  private next: number;
  private reserved: number;

  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
    let state: State | undefined;
    try {
      state = JSON.parse(readFileSync(this.file, 'utf8')) as State;
    } catch {
      state = undefined;
    }
    this.agentId = state?.agent_id ?? randomUUID();
    this.next = state?.seq_reserved ?? 0;
    this.reserved = this.next;
    this.reserve();
  }

  private get file(): string {
    return path.join(this.dir, 'agent-state.json');
  }

  private reserve(): void {
    this.reserved = this.next + BLOCK;
    writeFileAtomic(this.file, JSON.stringify({ agent_id: this.agentId, seq_reserved: this.reserved }));
  }

  take(): number {
    if (this.next >= this.reserved) this.reserve();
    return this.next++;
  }
}
