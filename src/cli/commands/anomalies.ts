import { formatAnomalyCsv, formatAnomalyTable, type AnomalyJson } from '../../analytics/anomalies/present.ts';
import { adminRequest } from '../admin-client.ts';
import { CliError, defineCommand } from '../command.ts';

const USAGE = `tollgate anomalies [--status open|acknowledged|resolved|all] [--from 7d] [--to ISO] [--org ORG] [--format table|json|csv]
       tollgate anomalies ack <id>        (acknowledge: seen, being handled)
       tollgate anomalies resolve <id>
Talks to a running gateway: --url (or TOLLGATE_URL, default http://127.0.0.1:$PORT) with TOLLGATE_ADMIN_KEY.`;

export default defineCommand({
  name: 'anomalies',
  description: 'Cost anomalies found as each hour closes (spikes, drops, outages, new models or spenders, pricier requests), with root cause; ack or resolve them.',
  usage: USAGE,
  options: {
    url: { type: 'string' },
    status: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    org: { type: 'string' },
    format: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals }) {
    const [action, id] = positionals;
    const url = typeof values.url === 'string' ? values.url : undefined;
    const format = values.json === true ? 'json' : typeof values.format === 'string' ? values.format : 'table';
    if (!['table', 'json', 'csv'].includes(format)) throw new CliError(`--format must be table, json or csv\nusage: ${USAGE}`, 2);
    const print = (rows: AnomalyJson[], payload: unknown) => {
      if (format === 'json') console.log(JSON.stringify(payload, null, 2));
      else if (format === 'csv') console.log(formatAnomalyCsv(rows));
      else console.log(formatAnomalyTable(rows));
    };
    if (action === undefined || action === 'list') {
      const params = new URLSearchParams({ status: typeof values.status === 'string' ? values.status : 'open' });
      for (const name of ['from', 'to', 'org'] as const) if (typeof values[name] === 'string') params.set(name, values[name]);
      const payload = (await adminRequest(`/api/cost/anomalies?${params}`, { url })) as { data: AnomalyJson[] };
      print(payload.data, payload);
    } else if (action === 'ack' || action === 'acknowledge' || action === 'resolve') {
      if (!id) throw new CliError(`${action} needs an anomaly id\nusage: ${USAGE}`, 2);
      const verb = action === 'resolve' ? 'resolve' : 'acknowledge';
      const updated = (await adminRequest(`/api/cost/anomalies/${encodeURIComponent(id)}/${verb}`, { url, method: 'POST' })) as AnomalyJson;
      if (format === 'table') console.log(`anomaly ${updated.id} is ${updated.status}: ${updated.message}`);
      else print([updated], updated);
    } else {
      throw new CliError(`unknown action '${action}'\nusage: ${USAGE}`, 2);
    }
  },
});
