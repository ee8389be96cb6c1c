import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { BirdseyeError, formatIssues } from '../../core/errors.ts';
import { MAX_PREVIEW_STEPS, previewRule } from '../alerting/preview.ts';
import { ruleSchema } from '../alerting/rules/rule-schema.ts';
import type { TokenStore } from '../auth/token-store.ts';
import { parseDuration } from '../query/time.ts';
import type { StorageBackend } from '../storage/backend.ts';
import { requireScope, tenantOf } from './auth-hook.ts';
import { timeRange } from './params.ts';

const previewBody = z
  .object({
    /** A rule as the config file writes it (`server.alerting.rules[]`); `id` may be left out. */
    rule: z.record(z.string(), z.unknown()),
    from: z.union([z.number(), z.string()]).optional(),
    to: z.union([z.number(), z.string()]).optional(),
    /** Milliseconds or `5m`; by default the range split into 288 steps (5 minutes over a day). */
    step: z.union([z.number().int().min(1000), z.string()]).optional(),
  })
  .strict();

const DEFAULT_STEPS = 288;

function bodyError(message: string): BirdseyeError {
  return new BirdseyeError('BE_BODY_INVALID', message);
}

/**
 * `POST /api/v1/alerts/rules/preview`: when a rule definition would have fired over a past range
 * (by default the last day), in the caller's tenant. It only reads data, so the read scope does.
 */
export function alertPreviewRoutes(app: FastifyInstance, storage: StorageBackend, tokens: TokenStore): void {
  const read = { onRequest: requireScope(tokens, 'read') };

  app.post('/api/v1/alerts/rules/preview', read, async (request) => {
    const parsed = previewBody.safeParse(request.body ?? {});
    if (!parsed.success) throw bodyError(formatIssues(parsed.error.issues));
    const body = parsed.data;
    const rule = ruleSchema.safeParse({ id: 'preview', ...body.rule, tenant: tenantOf(request) });
    if (!rule.success) throw bodyError(formatIssues(rule.error.issues, (p) => ['rule', ...p].join('.')));
    const { from, to } = timeRange(
      { from: String(body.from ?? 'now-24h'), to: String(body.to ?? 'now') },
      Date.now(),
    );
    const step_ms =
      body.step === undefined
        ? Math.max(1000, Math.ceil((to - from) / DEFAULT_STEPS))
        : typeof body.step === 'number'
          ? body.step
          : parseDuration(body.step);
    if (step_ms === undefined || step_ms < 1000)
      throw bodyError(`step: "${body.step}" is not a duration of 1s or more`);
    if ((to - from) / step_ms > MAX_PREVIEW_STEPS) {
      throw bodyError(
        `step: ${step_ms} ms gives more than ${MAX_PREVIEW_STEPS} evaluations; use a larger step`,
      );
    }
    return { rule: rule.data, ...(await previewRule(rule.data, storage, { from, to, step_ms })) };
  });
}
