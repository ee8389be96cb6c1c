/**
 * Frames `journalctl --output=export` (the Journal Export Format) into entries. An entry is a run
 * of fields ended by an empty line; a field is `NAME=value\n` when the value is printable text
 * without a newline, else `NAME\n`, its length as a little-endian 64-bit integer, the bytes, `\n`.
 * A field that appears several times in an entry is joined with newlines, as the journal-json
 * parser joins journalctl's JSON arrays, and bytes are decoded as UTF-8 there and here, so both
 * outputs give the same record.
 *
 * journalctl prints export three times cheaper than JSON (measured in bench/journald-source.ts),
 * and scanning it is cheaper than JSON.parse: this is the journald source's hot path.
 *
 * Bounded: an entry holds at most `maxEntryBytes` of values; a value that would go past that is
 * cut (the rest is skipped as it streams by) and the entry is flagged `truncated`.
 */

export interface ExportEntry {
  fields: Record<string, string>;
  truncated: boolean;
}

const NL = 0x0a;
const EQ = 0x3d;
/** Field names are short upper-case words; a longer "name" means the stream is not export format. */
const MAX_NAME_BYTES = 256;
/** Slots of the field name table (a power of two). */
const NAME_SLOTS = 256;

export class ExportFramer {
  private rest: Buffer = Buffer.alloc(0);
  private fields: Record<string, string> = {};
  private count = 0;
  private bytes = 0;
  private truncated = false;
  /** A binary field being read: its name, bytes still to come (then one `\n`), what is kept. */
  private binary: { name: string; left: number; parts: Buffer[]; kept: number } | undefined;
  /** Skipping the rest of an overlong text line. */
  private skipping = false;
  private readonly names = new FieldNames();

  constructor(private readonly maxEntryBytes: number) {}

  /** Entries completed by this chunk, in order. */
  push(chunk: Buffer): ExportEntry[] {
    const buf = this.rest.length === 0 ? chunk : Buffer.concat([this.rest, chunk]);
    const out: ExportEntry[] = [];
    let pos = 0;
    while (pos < buf.length) {
      if (this.binary) {
        pos = this.readBinary(buf, pos);
        if (this.binary) break;
        continue;
      }
      const nl = buf.indexOf(NL, pos);
      if (this.skipping) {
        if (nl < 0) {
          pos = buf.length;
          break;
        }
        this.skipping = false;
        pos = nl + 1;
        continue;
      }
      if (nl < 0) {
        if (buf.length - pos > this.maxEntryBytes + MAX_NAME_BYTES) {
          // An overlong text value: keep what fits, skip up to its newline.
          this.textField(buf, pos, indexOfBefore(buf, EQ, pos, pos + MAX_NAME_BYTES), buf.length);
          this.skipping = true;
          pos = buf.length;
        }
        break;
      }
      if (nl === pos) {
        if (this.count > 0) out.push(this.finish());
        pos = nl + 1;
        continue;
      }
      const eq = indexOfBefore(buf, EQ, pos, Math.min(nl, pos + MAX_NAME_BYTES));
      if (eq >= 0) {
        this.textField(buf, pos, eq, nl);
        pos = nl + 1;
        continue;
      }
      // A binary field: the name line, then 8 bytes of length.
      if (buf.length < nl + 9) break;
      const size = Number(buf.readBigUInt64LE(nl + 1));
      this.binary = { name: this.names.get(buf, pos, nl), left: size, parts: [], kept: 0 };
      pos = nl + 9;
    }
    this.rest = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }

  /** What is left when journalctl exits: a last entry without its empty line still counts. */
  flush(): ExportEntry[] {
    const out = this.rest.length > 0 ? this.push(Buffer.from('\n\n')) : [];
    this.rest = Buffer.alloc(0);
    this.binary = undefined;
    this.skipping = false;
    if (this.count > 0) out.push(this.finish());
    return out;
  }

  private textField(buf: Buffer, start: number, eq: number, end: number): void {
    if (eq < 0) return;
    let stop = end;
    if (this.bytes + (end - eq - 1) > this.maxEntryBytes) {
      stop = eq + 1 + Math.max(0, this.maxEntryBytes - this.bytes);
      this.truncated = true;
    }
    this.add(this.names.get(buf, start, eq), buf.toString('utf8', eq + 1, stop), stop - eq - 1);
  }

  /** Reads binary field bytes from `pos`; returns the position after what it used. */
  private readBinary(buf: Buffer, pos: number): number {
    const field = this.binary!;
    if (field.left > 0) {
      const n = Math.min(field.left, buf.length - pos);
      const keep = Math.max(0, Math.min(n, this.maxEntryBytes - this.bytes - field.kept));
      if (keep < n) this.truncated = true;
      if (keep > 0) field.parts.push(Buffer.from(buf.subarray(pos, pos + keep)));
      field.kept += keep;
      field.left -= n;
      pos += n;
      if (field.left > 0) return pos;
    }
    if (pos >= buf.length) return pos;
    // The newline that ends the field (anything else would be a broken stream; take it as such).
    this.binary = undefined;
    this.add(field.name, Buffer.concat(field.parts).toString('utf8'), field.kept);
    return pos + 1;
  }

  private add(name: string, value: string, bytes: number): void {
    this.bytes += bytes;
    this.count++;
    const had = this.fields[name];
    this.fields[name] = had === undefined ? value : `${had}\n${value}`;
  }

  private finish(): ExportEntry {
    const entry = { fields: this.fields, truncated: this.truncated };
    this.fields = {};
    this.count = 0;
    this.bytes = 0;
    this.truncated = false;
    return entry;
  }
}

/**
 * Field names as strings. The same few dozen names come in every entry, so each is decoded once
 * and then found again by its bytes (a small table keyed by a hash of them), which costs less than
 * making a new string per field and having it looked up again when it becomes a property key.
 */
class FieldNames {
  private readonly slots = new Array<string | undefined>(NAME_SLOTS);

  get(buf: Buffer, start: number, end: number): string {
    const length = end - start;
    if (length === 0) return '';
    const slot =
      (length * 31 + buf[start]! * 7 + buf[end - 1]! * 13 + buf[start + (length >> 1)]!) & (NAME_SLOTS - 1);
    const known = this.slots[slot];
    if (known !== undefined && known.length === length && sameLatin1(known, buf, start)) return known;
    const name = buf.toString('latin1', start, end);
    this.slots[slot] = name;
    return name;
  }
}

function sameLatin1(text: string, buf: Buffer, start: number): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) !== buf[start + i]) return false;
  return true;
}

function indexOfBefore(buf: Buffer, byte: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (buf[i] === byte) return i;
  return -1;
}
