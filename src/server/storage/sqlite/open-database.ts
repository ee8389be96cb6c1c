import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { BirdseyeError } from '../../../core/errors.ts';
import { WRITER_AUTOCHECKPOINT_PAGES } from './checkpointer.ts';
import { registerFunctions } from './functions.ts';
import { SCHEMA, SCHEMA_VERSION } from './schema.ts';

/**
 * Opens (or creates) one of the server's SQLite files, its directory included, in WAL mode; a file
 * that cannot be opened is a BE_STORAGE error naming it. Every server file (data, tokens, alerts)
 * is opened here.
 */
export function openSqliteFile(file: string): Database.Database {
  mkdirSync(path.dirname(file), { recursive: true });
  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (cause) {
    throw new BirdseyeError('BE_STORAGE', `cannot open ${file}: ${(cause as Error).message}`, { cause });
  }
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill; only an OS crash may lose the last transactions.
  db.pragma('synchronous = NORMAL');
  return db;
}

/** The full-text index of days made since schema 4, beside the main file (see schema.ts). */
export const INDEX_FILE = 'birdseye-fts.sqlite';

export interface OpenedDatabase {
  readonly db: Database.Database;
  /** The schema version the file had, for the caller's migration. */
  readonly version: number;
  /** The main file's path. */
  readonly file: string;
  /** The index file's path; it is attached to `db` as `fts`. */
  readonly indexFile: string;
  /** The index file was made now (or had no state yet): its days are rebuilt from the rows. */
  readonly freshIndex: boolean;
}

/**
 * Opens (or creates) the store's files with the settings every connection needs and the base
 * tables in place: the main file, and the index file attached as `fts`.
 */
export function openDatabase(dir: string): OpenedDatabase {
  const file = path.join(dir, 'birdseye.sqlite');
  const db = openSqliteFile(file);
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new BirdseyeError(
      'BE_STORAGE',
      `${file} was written by a newer Birdseye (schema ${version}); upgrade Birdseye or use another --data-dir`,
    );
  }
  // Lets retention hand the pages of dropped days back to the file system; takes effect only on
  // a new file (an older file keeps its mode until a VACUUM).
  if (version === 0) db.pragma('auto_vacuum = INCREMENTAL');
  db.exec(SCHEMA);
  registerFunctions(db);
  // Checkpoints are the checkpointer thread's (checkpointer.ts); this connection's only past that.
  db.pragma(`main.wal_autocheckpoint = ${WRITER_AUTOCHECKPOINT_PAGES}`);
  const indexFile = path.join(dir, INDEX_FILE);
  try {
    db.prepare('ATTACH DATABASE ? AS fts').run(indexFile);
  } catch (cause) {
    db.close();
    throw new BirdseyeError('BE_STORAGE', `cannot open ${indexFile}: ${(cause as Error).message}`, { cause });
  }
  db.pragma('fts.journal_mode = WAL');
  db.pragma('fts.synchronous = NORMAL');
  const freshIndex =
    db.prepare("SELECT 1 FROM fts.sqlite_master WHERE type = 'table' AND name = 'fts_state'").get() ===
    undefined;
  return { db, version, file, indexFile, freshIndex };
}
