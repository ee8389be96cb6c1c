/** Runs a task now and then every `intervalMs`, never two at once. */
export interface Poller {
  /** Runs the task as soon as the current run (if any) ends, then resumes the interval. */
  now(): void;
  /** Stops until the next `now()`, e.g. while the user signs in. */
  stop(): void;
}

export function poll(task: () => Promise<void>, intervalMs: number): Poller {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let again = false;
  let stopped = false;

  async function run(): Promise<void> {
    clearTimeout(timer);
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await task();
    } finally {
      running = false;
    }
    if (again) {
      again = false;
      return run();
    }
    if (!stopped) timer = setTimeout(() => void run(), intervalMs);
  }

  return {
    now() {
      stopped = false;
      void run();
    },
    stop() {
      stopped = true;
      again = false;
      clearTimeout(timer);
    },
  };
}
