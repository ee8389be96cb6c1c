import { execFile } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './birdseye-process.ts';

/** Runs `birdseye ARGS` to completion, as a user would in a shell. */
export function birdseye(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'birdseye.js'), ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Log lines whose message contains `marker`, as the search API returns them. */
export async function searchLogs(
  url: string,
  token: string,
  marker: string,
): Promise<Array<{ host: string; message: string }>> {
  const q = encodeURIComponent(`"${marker}"`);
  const response = await fetch(`${url}/api/v1/logs/search?q=${q}&from=now-1h&to=now%2B1h&limit=1000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`search: ${response.status} ${await response.text()}`);
  const body = (await response.json()) as { records: Array<{ host: string; message: string }> };
  return body.records.filter((r) => r.message.includes(marker));
}
