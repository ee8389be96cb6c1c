/**
 * Appends strings to one growing buffer as UTF-8, for the large JSON bodies the agent makes per
 * batch (the buffered batch, the `_bulk` body). Writing the JSON in pieces as it is made beats
 * joining them and converting the result: the pieces are not held meanwhile, and a character past
 * Latin-1 makes only its own piece a two-byte string, where it would make the whole joined batch
 * two-byte (which converts to UTF-8 several times slower).
 */
export class Utf8Writer {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  write(text: string): void {
    // A UTF-16 code unit takes at most three bytes in UTF-8.
    this.reserve(text.length * 3);
    this.length += this.buffer.write(text, this.length);
  }

  /** One ASCII byte (a comma, a bracket). */
  byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  /** What was written; the writer must not be used afterwards. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
