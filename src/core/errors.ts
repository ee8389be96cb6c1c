import type { z } from 'zod';

/**
 * Every error Birdseye reports to a user has a stable code, an HTTP status (for the API) and a
 * message that says what to do next. The codes are listed here, in one place.
 */
export const ERROR_CODES = {
  BE_CONFIG_INVALID: 500,
  BE_CONFIG_FILE: 500,
  BE_UNAUTHORIZED: 401,
  BE_FORBIDDEN: 403,
  BE_BATCH_INVALID: 400,
  BE_BODY_INVALID: 400,
  BE_BODY_TOO_LARGE: 413,
  BE_QUERY_INVALID: 400,
  BE_NOT_FOUND: 404,
  BE_RATE_LIMITED: 429,
  BE_STORAGE: 500,
  BE_INTERNAL: 500,
  BE_LISTEN: 500,
  BE_ETCD: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class BirdseyeError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly context: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'BirdseyeError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.context = options.context ?? {};
  }

  toJSON(): { error: { code: ErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Formats zod issues as `path.to[3].key: reason`, one per line, so a user sees which key is wrong. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], describePath = formatPath): string {
  return issues.map((issue) => `${describePath(issue.path)}: ${issue.message}`).join('\n');
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}
