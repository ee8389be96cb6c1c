import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Where `npm run build:web` puts the UI. */
export const WEB_DIR = fileURLToPath(new URL('../../../dist/web', import.meta.url));

/** Serves the built UI; without a build, `/` says how to make one instead of a bare 404. */
export async function webRoutes(app: FastifyInstance, dir = WEB_DIR): Promise<boolean> {
  if (!existsSync(path.join(dir, 'index.html'))) {
    app.get('/', (_request, reply) =>
      reply
        .status(503)
        .type('text/plain')
        .send(
          'The Birdseye UI is not built. Run `npm run build:web` (npm start does it for you), then reload.\n',
        ),
    );
    return false;
  }
  await app.register(fastifyStatic, { root: dir, wildcard: false });
  return true;
}
