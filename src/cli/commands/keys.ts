import type { VirtualKey } from '../../keys/store.ts';
import { CliError, defineCommand } from '../command.ts';
import { openCliStorage, output } from '../open-state.ts';

const USAGE = `tollgate keys create --name NAME [--org ORG] [--project PROJECT] [--user USER] [--tags a,b] [--attribution-headers]
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
        });
        output(json, created, () => `created ${describe(created.key)}\nsecret (shown once): ${created.secret}`);
      } else if (action === 'list') {
        const keys = await storage.keys.list();
        output(json, keys, () => (keys.length ? keys.map(describe).join('\n') : 'no keys'));
      } else if (action === 'revoke') {
        const id = rest[0];
        if (!id) throw new CliError(`revoke needs a key id\nusage: ${USAGE}`, 2);
        if (!(await storage.keys.revoke(id, Date.now()))) throw new CliError(`no active key with id ${id}`);
        console.log(`revoked ${id} (a running gateway stops accepting it within its key-cache TTL, 30 s; the admin API revokes at once)`);
      } else {
        throw new CliError(`unknown action '${action ?? ''}'\nusage: ${USAGE}`, 2);
      }
    } finally {
      await storage.close();
    }
  },
});

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value ? value : fallback;
}

function describe(key: VirtualKey): string {
  const state = key.revokedAtMs ? `revoked ${new Date(key.revokedAtMs).toISOString()}` : 'active';
  const who = [key.orgId, key.projectId, key.userId].filter(Boolean).join('/');
  return `${key.id}  ${key.prefix}…  ${key.name}  ${who}  ${key.tags.length ? `[${key.tags.join(',')}] ` : ''}${state}`;
}
