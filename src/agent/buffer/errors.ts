/**
 * Run-time errors of the disk buffer. `BirdseyeError` has a fixed list of codes that this folder
 * may not extend, and none of them means "the buffer refused this", so the buffer has its own class
 * with the same shape (`code`, `context`, `cause`). Bad configuration still throws
 * `BirdseyeError('BE_CONFIG_INVALID')`.
 */
export type BufferErrorCode =
  /** An entry (with its record header) is larger than `max_size_bytes`: it could never fit. */
  | 'BE_BUFFER_ENTRY_TOO_LARGE'
  /** append/read/ack after close(), or a blocked append woken by close(). */
  | 'BE_BUFFER_CLOSED'
  /** ack(id) of an id that was never appended. */
  | 'BE_BUFFER_ACK_RANGE';

export class BufferError extends Error {
  readonly code: BufferErrorCode;
  readonly context: Record<string, unknown>;

  constructor(
    code: BufferErrorCode,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BufferError';
    this.code = code;
    this.context = options.context ?? {};
  }
}

export function closedError(): BufferError {
  return new BufferError('BE_BUFFER_CLOSED', 'disk buffer is closed');
}

export function entryTooLargeError(entryBytes: number, maxSizeBytes: number): BufferError {
  return new BufferError(
    'BE_BUFFER_ENTRY_TOO_LARGE',
    `entry of ${entryBytes} bytes does not fit in a disk buffer of max_size_bytes ${maxSizeBytes}`,
    { context: { entry_bytes: entryBytes, max_size_bytes: maxSizeBytes } },
  );
}
