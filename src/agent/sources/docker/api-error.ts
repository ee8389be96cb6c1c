/** A failed call: `status` is the HTTP status, undefined when the daemon could not be reached. */
export class DockerApiError extends Error {
  readonly code = 'DOCKER_API';
  constructor(
    message: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DockerApiError';
  }
}

/** What the daemon said in an error body: its JSON `message`, or the start of the text. */
export function errorMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // Not JSON: the daemon or a proxy answered with text.
  }
  return text.slice(0, 200);
}
