import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';

/**
 * Replaces `file` so that a crash or power loss leaves either the old content or the new, never a
 * torn file: write a temporary file, fsync it, rename it over the old one, fsync the directory
 * (the rename is durable only once the directory entry is). Synchronous on purpose: callers save
 * positions that must be on disk before anything else happens.
 */
export function writeFileAtomic(file: string, content: string): void {
  const temporary = `${file}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  const dir = openSync(path.dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
