import { costReportCsv, costReportTable } from '../../analytics/reports/cost-report.ts';
import { parseCostReportQuery } from '../../analytics/reports/cost-report-query.ts';
import { runCostReport } from '../../analytics/reports/run-cost-report.ts';
import { CliError, defineCommand } from '../command.ts';
import { openCliStorage } from '../open-state.ts';

const USAGE =
  'tollgate report [--by project,model,day] [--from 7d|2026-11-01] [--to 2026-12-01] [--last day|week|month] [--tz Europe/Paris] ' +
  '[--bucket hour|day|week|month] [--org O] [--project P] [--user U] [--key K] [--model M] [--provider X] [--tag T] [--top 10] ' +
  '[--peak 9-18] [--format table|csv|json] [--json]';

const QUERY_FLAGS = ['by', 'from', 'to', 'last', 'tz', 'bucket', 'org', 'project', 'user', 'key', 'model', 'provider', 'tag', 'top', 'peak', 'format'] as const;

export default defineCommand({
  name: 'report',
  description:
    'Spend, tokens and requests by any of org,project,user,key,model,provider,tag,route,cache,origin and a local time bucket (hour,day,week,month), with unit costs, the previous period and peak hours.',
  usage: USAGE,
  options: {
    ...Object.fromEntries(QUERY_FLAGS.map((flag) => [flag, { type: 'string' as const }])),
    json: { type: 'boolean' },
  },
  async run({ values }) {
    const query: Record<string, string> = {};
    for (const flag of QUERY_FLAGS) {
      const value = (values as Record<string, unknown>)[flag];
      if (typeof value === 'string') query[flag] = value;
    }
    query.by ??= 'project,model,day';
    if (values.json === true) query.format = 'json';
    let request;
    try {
      request = parseCostReportQuery(query, Date.now(), { format: 'table' });
    } catch (error) {
      throw new CliError(`${(error as Error).message}\nusage: ${USAGE}`, 2);
    }
    const storage = await openCliStorage();
    try {
      const report = await runCostReport(storage.ledger, request);
      if (request.format === 'json') console.log(JSON.stringify(report, null, 2));
      else if (request.format === 'csv') process.stdout.write(costReportCsv(report));
      else console.log(costReportTable(report));
    } finally {
      await storage.close();
    }
  },
});
