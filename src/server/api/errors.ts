import type { FastifyError, FastifyInstance } from 'fastify';
import { BirdseyeError } from '../../core/errors.ts';
import type { Logger } from '../../core/logger.ts';

/** Every error leaves the API as `{ error: { code, message } }` with the status of its code. */
export function errorHandling(app: FastifyInstance, logger: Logger): void {
  app.setErrorHandler(function sendError(error: FastifyError | BirdseyeError, request, reply) {
    if (error instanceof BirdseyeError) {
      if (error.status >= 500) logger.error({ err: error, url: request.url }, error.message);
      return reply.status(error.status).send(error.toJSON());
    }
    const status = error.statusCode ?? 500;
    if (status < 500) {
      const code = status === 413 ? 'BE_BODY_TOO_LARGE' : 'BE_BODY_INVALID';
      return reply.status(status).send({ error: { code, message: error.message } });
    }
    logger.error({ err: error, url: request.url }, 'request failed');
    return reply
      .status(500)
      .send({ error: { code: 'BE_INTERNAL', message: 'internal error; see the server log' } });
  });

  app.setNotFoundHandler(function notFound(request, reply) {
    return reply.status(404).send({
      error: { code: 'BE_NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` },
    });
  });
}
