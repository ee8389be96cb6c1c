import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { build, type Metafile } from 'esbuild';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** What `birdseye agent` loads: the CLI entry's static imports and those of the agent runner. */
async function agentClosure(): Promise<{ files: string[]; packages: string[] }> {
  const { metafile } = await build({
    entryPoints: [path.join(ROOT, 'src/cli/main.ts')],
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    outdir: '/nonexistent',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs: Metafile['outputs'] = metafile.outputs;
  const byEntry = (suffix: string) =>
    Object.keys(outputs).find((key) => outputs[key]!.entryPoint?.endsWith(suffix));
  const seen = new Set<string>();
  const walk = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const imported of outputs[key]!.imports)
      if (!imported.external && imported.kind === 'import-statement') walk(imported.path);
  };
  walk(byEntry('src/cli/main.ts')!);
  walk(byEntry('src/cli/run-agent.ts')!);
  const files = [...seen].flatMap((key) => Object.keys(outputs[key]!.inputs));
  const packages = [...seen].flatMap((key) =>
    outputs[key]!.imports.filter((i) => i.external && i.kind !== 'dynamic-import').map((i) => i.path),
  );
  return { files, packages: [...new Set(packages)] };
}

describe('the agent stays light', () => {
  it('loads none of the server’s packages: SQLite, fastify, nodemailer, etcd’s gRPC client', async () => {
    const { packages } = await agentClosure();
    for (const heavy of ['better-sqlite3', 'fastify', '@fastify/static', 'nodemailer', 'etcd3'])
      assert.ok(!packages.includes(heavy), `birdseye agent imports ${heavy}`);
  });

  it('loads none of the server’s storage, ingest, API, alert engine or notifiers', async () => {
    const { files } = await agentClosure();
    assert.ok(files.includes('src/agent/agent.ts'), 'the closure holds the agent');
    // The config schemas of the server's parts are shared (one config file), their code is not.
    const forbidden =
      /^src\/server\/(server|storage\/(?!retention-config)|ingest\/|api\/|alerting\/(engine|rules\/evaluate)|alerting\/notifiers\/\w+\/(?!config)|patterns\/miner-thread)/;
    assert.deepEqual(
      files.filter((f) => forbidden.test(f)),
      [],
    );
  });
});
