import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { getJson, REPO_ROOT, startBirdseye, type BirdseyeProcess } from '../helpers/birdseye-process.ts';

const run = promisify(execFile);
const BIN = path.join(REPO_ROOT, 'bin', 'birdseye.js');

describe('birdseye token', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'birdseye-token-cli-'));
  let server: BirdseyeProcess | undefined;
  after(async () => server?.cleanup());

  it('creates a tenant token before the server starts, lists it, and the server honours it', async () => {
    const created = await run(process.execPath, [
      BIN,
      'token',
      'create',
      '--tenant',
      'shop',
      '--scopes',
      'read',
      '--data-dir',
      dataDir,
    ]);
    const token = created.stdout.trim();
    assert.match(token, /^bes_/);
    const listed = await run(process.execPath, [BIN, 'token', 'list', '--data-dir', dataDir]);
    assert.match(listed.stdout, /shop\s+read/);
    assert.ok(!listed.stdout.includes(token), 'the list never shows a secret');

    server = await startBirdseye('server', { dataDir });
    const { status, body } = await getJson<{ tenant: string; scopes: string[] }>(
      `${server.url}/api/v1/auth/me`,
      token,
    );
    assert.equal(status, 200);
    assert.equal(body.tenant, 'shop');
    assert.deepEqual(body.scopes, ['read']);

    const id = /^([0-9a-f]{16})/m.exec(listed.stdout)![1]!;
    await run(process.execPath, [BIN, 'token', 'revoke', id, '--data-dir', dataDir]);
    assert.equal((await getJson(`${server.url}/api/v1/auth/me`, token)).status, 401);
  });

  it('refuses a bad scope with a message and exit code 2', async () => {
    await assert.rejects(
      run(process.execPath, [
        BIN,
        'token',
        'create',
        '--tenant',
        'shop',
        '--scopes',
        'write',
        '--data-dir',
        dataDir,
      ]),
      (error: { code: number; stderr: string }) =>
        error.code === 2 && /"write" is not a scope/.test(error.stderr),
    );
  });
});
