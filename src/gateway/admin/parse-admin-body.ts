import type { z } from 'zod';
import { GatewayError } from '../../domain/errors.ts';
import { readJsonBody } from '../read-json-body.ts';

/** Admin bodies are small definitions: 1 MiB and 64 levels are plenty. */
export const ADMIN_BODY_LIMITS = { bytes: 1024 * 1024, depth: 64 };

/** Reads and validates an admin request body; every problem is named by its path. */
export async function parseAdminBody<T extends z.ZodType>(request: Request, schema: T): Promise<z.infer<T>> {
  const body = await readJsonBody(request, ADMIN_BODY_LIMITS);
  const result = schema.safeParse(body);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
    throw new GatewayError('invalid_request', `Invalid request: ${problems.join('; ')}`);
  }
  return result.data;
}
