import { buildSpendReport, formatSpendReport, parseDimensions } from '../../analytics/reports/spend-report.ts';
import type { LedgerFilter } from '../../ledger/store.ts';
import { CliError, defineCommand, parseTimeFlag } from '../command.ts';
import { openCliStorage, output } from '../open-state.ts';

const USAGE = 'tollgate report [--by project,model,day] [--from 2026-11-01] [--to 2026-12-01] [--project P] [--model M] [--json]';

export default defineCommand({
  name: 'report',
  description: 'Spend breakdown over the ledger (by project, model, day, or any of org,user,key,provider,hour).',
  usage: USAGE,
  options: {
    by: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    project: { type: 'string' },
    model: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run({ values }) {
    let dimensions;
    try {
      dimensions = parseDimensions(typeof values.by === 'string' ? values.by : undefined);
    } catch (error) {
      throw new CliError(`${(error as Error).message}\nusage: ${USAGE}`, 2);
    }
    const filter: LedgerFilter = {};
    if (typeof values.from === 'string') filter.fromMs = parseTimeFlag(values.from, '--from');
    if (typeof values.to === 'string') filter.toMs = parseTimeFlag(values.to, '--to');
    if (typeof values.project === 'string') filter.projectId = values.project;
    if (typeof values.model === 'string') filter.model = values.model;
    const storage = await openCliStorage();
    try {
      const report = buildSpendReport(dimensions, await storage.ledger.summarize(dimensions, filter));
      output(values.json === true, report, () => formatSpendReport(report));
    } finally {
      await storage.close();
    }
  },
});
