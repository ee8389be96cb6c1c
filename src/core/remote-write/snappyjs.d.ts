// snappyjs ships no types; these are the two functions it exports (Snappy block format).
declare module 'snappyjs' {
  export function compress(input: Buffer): Buffer;
  /** Throws when the data is not valid Snappy or would uncompress to more than `maxLength` bytes. */
  export function uncompress(input: Buffer, maxLength?: number): Buffer;
}
