import { z } from 'zod';
import { keyLimitFields } from '../../config/schema.ts';
import type { KeyLimits } from '../../domain/key-limits.ts';
import { keyLimitsFromInput } from '../../keys/limits-input.ts';
import type { VirtualKey } from '../../keys/store.ts';
import { CliError, defineCommand } from '../command.ts';
import { openCliStorage, output } from '../open-state.ts';

const USAGE = `tollgate keys create --name NAME [--org ORG] [--project PROJECT] [--user USER] [--tags a,b] [--attribution-headers]
                          [--rpm N] [--tpm N] [--expires 2026-12-31T00:00:00Z|30d|12h] [--models 'gpt-4o-mini,claude-*']
                          [--max-tokens N] [--max-n N] [--body-limit BYTES]
       tollgate keys list [--json]
       tollgate keys revoke KEY_ID
Keys live in the gateway's store (TOLLGATE_DATA_DIR, or DATABASE_URL when set). The secret is printed once.`;

export default defineCommand({
  name: 'keys',
  description: 'Create, list and revoke virtual API keys.',
  usage: USAGE,
  options: {
    name: { type: 'string' },
    org: { type: 'string' },
    project: { type: 'string' },
    user: { type: 'string' },
    tags: { type: 'string' },
    'attribution-headers': { type: 'boolean' },
    'no-attribution-headers': { type: 'boolean' },
    rpm: { type: 'string' },
    tpm: { type: 'string' },
    expires: { type: 'string' },
    models: { type: 'string' },
    'max-tokens': { type: 'string' },
    'max-n': { type: 'string' },
    'body-limit': { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const [action, ...rest] = positionals;
    const storage = await openCliStorage();
    try {
      const json = values.json === true;
      if (action === 'create') {
        if (typeof values.name !== 'string' || !values.name) throw new CliError(`--name is required\nusage: ${USAGE}`, 2);
        const created = await storage.keys.create({
          name: values.name,
          orgId: stringOr(values.org, 'default'),
          projectId: stringOr(values.project, 'default'),
          userId: typeof values.user === 'string' ? values.user : null,
          tags: typeof values.tags === 'string' ? values.tags.split(',').map((t) => t.trim()).filter(Boolean) : [],
          allowAttributionHeaders: values['attribution-headers'] === true && values['no-attribution-headers'] !== true,
          limits: limitsFromFlags(values, Date.now()),
        });
        output(json, created, () => `created ${describe(created.key)}\nsecret (shown once): ${created.secret}`);
      } else if (action === 'list') {
        const keys = await storage.keys.list();
        output(json, keys, () => (keys.length ? keys.map(describe).join('\n') : 'no keys'));
      } else if (action === 'revoke') {
        const id = rest[0];
        if (!id) throw new CliError(`revoke needs a key id\nusage: ${USAGE}`, 2);
        if (!(await storage.keys.revoke(id, Date.now()))) throw new CliError(`no active key with id ${id}`);
        console.log(`revoked ${id} (every running gateway on this store refuses it within a second)`);
      } else {
        throw new CliError(`unknown action '${action ?? ''}'\nusage: ${USAGE}`, 2);
      }
    } finally {
      await storage.close();
    }
  },
});

const limitsSchema = z.object(keyLimitFields).strict();

/** `--rpm 60 --models a,b --expires 30d` → stored key limits; a bad value is a usage error naming the flag. */
function limitsFromFlags(values: Record<string, unknown>, nowMs: number): KeyLimits {
  const number = (flag: string) => (typeof values[flag] === 'string' ? Number(values[flag]) : undefined);
  const input = {
    requestsPerMinute: number('rpm'),
    tokensPerMinute: number('tpm'),
    expiresAt: typeof values.expires === 'string' ? expiryFlag(values.expires, nowMs) : undefined,
    allowedModels: typeof values.models === 'string' ? values.models.split(',').map((m) => m.trim()).filter(Boolean) : undefined,
    maxTokens: number('max-tokens'),
    maxN: number('max-n'),
    bodyLimitBytes: number('body-limit'),
  };
  const parsed = limitsSchema.safeParse(Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined)));
  if (!parsed.success) {
    const flags: Record<string, string> = { requestsPerMinute: '--rpm', tokensPerMinute: '--tpm', expiresAt: '--expires', allowedModels: '--models', maxTokens: '--max-tokens', maxN: '--max-n', bodyLimitBytes: '--body-limit' };
    const problems = parsed.error.issues.map((issue) => `${flags[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`);
    throw new CliError(`${problems.join('; ')}\nusage: ${USAGE}`, 2);
  }
  return keyLimitsFromInput(parsed.data);
}

/** `30d`, `12h`, `45m` from now, or an ISO 8601 instant as given. */
function expiryFlag(value: string, nowMs: number): string {
  const relative = /^(\d+)([dhm])$/.exec(value.trim());
  if (!relative) return value;
  const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm'];
  return new Date(nowMs + Number(relative[1]) * unitMs).toISOString();
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}

function describe(key: VirtualKey): string {
  const expires = key.limits.expiresAtMs;
  const state = key.revokedAtMs ? `revoked ${new Date(key.revokedAtMs).toISOString()}` : expires !== undefined && expires <= Date.now() ? 'expired' : 'active';
  const limits = describeLimits(key.limits);
  const who = [key.orgId, key.projectId, key.userId].filter(Boolean).join('/');
  return `${key.id}  ${key.prefix}…  ${key.name}  ${who}  ${key.tags.length ? `[${key.tags.join(',')}] ` : ''}${limits ? `${limits} ` : ''}${state}`;
}

function describeLimits(limits: KeyLimits): string {
  const parts: string[] = [];
  if (limits.requestsPerMinute !== undefined) parts.push(`rpm=${limits.requestsPerMinute}`);
  if (limits.tokensPerMinute !== undefined) parts.push(`tpm=${limits.tokensPerMinute}`);
  if (limits.allowedModels) parts.push(`models=${limits.allowedModels.join(',')}`);
  if (limits.maxTokens !== undefined) parts.push(`max-tokens=${limits.maxTokens}`);
  if (limits.maxN !== undefined) parts.push(`max-n=${limits.maxN}`);
  if (limits.bodyLimitBytes !== undefined) parts.push(`body-limit=${limits.bodyLimitBytes}`);
  if (limits.expiresAtMs !== undefined) parts.push(`expires=${new Date(limits.expiresAtMs).toISOString()}`);
  return parts.length ? `{${parts.join(' ')}}` : '';
}
