import { createReadStream, createWriteStream, openSync, readSync, closeSync, statSync, type WriteStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parseColumnMap, type ColumnMap } from '../../analytics/import/column-map.ts';
import { IMPORT_FORMATS, isImportFormat } from '../../analytics/import/formats.ts';
import { ImportFormatError } from '../../analytics/import/import-row.ts';
import { importUsage, type BadRow, type ImportSummary } from '../../analytics/import/import-usage.ts';
import { formatUsd } from '../../domain/money.ts';
import { loadBundledCatalogue } from '../../pricing/bundled-catalogue.ts';
import { createPriceBook } from '../../pricing/genai-price-book.ts';
import { createLocalNodeCosts } from '../../pricing/local-nodes.ts';
import { CliError, defineCommand } from '../command.ts';
import { loadCliConfig, openCliStorage } from '../open-state.ts';

const USAGE = `tollgate import FILE --format ${IMPORT_FORMATS.join('|')}
    [--map ts=TIMESTAMP,input=ContextTokens,output=GeneratedTokens,model=...,project=...]
    [--org ORG] [--project PROJECT] [--model MODEL] [--provider PROVIDER] [--dry-run]
    [--errors-file bad-rows.csv] [--batch-size 5000] [--quiet] [--json] [--config tollgate.yaml]`;

/** Bad rows listed in the summary; all of them go to --errors-file. */
const LISTED_ERRORS = 10;

export default defineCommand({
  name: 'import',
  description: 'Import usage from outside the gateway (OpenAI/Anthropic usage exports, LiteLLM spend logs, any CSV/JSONL) into the ledger.',
  usage: USAGE,
  options: {
    format: { type: 'string', short: 'f' },
    map: { type: 'string' },
    org: { type: 'string' },
    project: { type: 'string' },
    model: { type: 'string' },
    provider: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'errors-file': { type: 'string' },
    'batch-size': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    json: { type: 'boolean' },
    config: { type: 'string', short: 'c' },
  },
  async run({ values, positionals }) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new CliError(`one FILE to import\nusage: ${USAGE}`, 2);
    const format = typeof values.format === 'string' ? values.format : '';
    if (!isImportFormat(format)) {
      throw new CliError(`${format ? `unknown format '${format}'` : '--format is required'}; one of: ${IMPORT_FORMATS.join(', ')}\nusage: ${USAGE}`, 2);
    }
    let columnMap: ColumnMap = new Map();
    if (typeof values.map === 'string') {
      if (format !== 'csv' && format !== 'jsonl') throw new CliError(`--map applies to --format csv or jsonl, not ${format}`, 2);
      try {
        columnMap = parseColumnMap(values.map);
      } catch (error) {
        throw new CliError((error as Error).message, 2);
      }
    }
    const batchSize = typeof values['batch-size'] === 'string' ? Number(values['batch-size']) : 5_000;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) throw new CliError('--batch-size must be an integer from 1 to 100000', 2);
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new CliError(`${file} is not a file`);
      size = stat.size;
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
    if (size === 0) throw new CliError(`${file}: line 1: the file is empty`);

    const config = loadCliConfig(typeof values.config === 'string' ? values.config : undefined);
    const priceBook = createPriceBook({
      catalogue: loadBundledCatalogue(),
      overrides: config.pricing.overrides,
      localNodes: createLocalNodeCosts(config.pricing.localNodes),
      providerKinds: Object.fromEntries(Object.entries(config.providers).map(([id, p]) => [id, p.kind])),
    });
    const dryRun = values['dry-run'] === true;
    const quiet = values.quiet === true || values.json === true;
    const errorsFile: WriteStream | undefined = typeof values['errors-file'] === 'string' ? createWriteStream(values['errors-file']) : undefined;
    errorsFile?.write('line,reason\n');
    const listed: BadRow[] = [];
    const stream = createReadStream(file, { highWaterMark: 256 * 1024 });
    const gunzip = isGzip(file) ? createGunzip() : undefined;
    // A broken gzip file fails the iteration below; this listener only keeps a late error event
    // (after the iteration stopped) from crashing the process.
    let gzipError: Error | undefined;
    gunzip?.on('error', (error) => (gzipError = error));
    const source = gunzip ? stream.pipe(gunzip) : stream;
    const progress = quiet ? undefined : progressBar(size, () => stream.bytesRead);
    const storage = dryRun ? undefined : await openCliStorage();
    const origin = `import:${format}`;
    let summary: ImportSummary;
    let added: number | undefined;
    try {
      const before = storage ? await storage.ledger.count({ origin }) : 0;
      summary = await importUsage(source, {
        format,
        columnMap,
        defaults: {
          orgId: typeof values.org === 'string' ? values.org : 'default',
          projectId: typeof values.project === 'string' ? values.project : 'default',
          model: typeof values.model === 'string' ? values.model : undefined,
          provider: typeof values.provider === 'string' ? values.provider : undefined,
        },
        priceBook,
        write: (records) => storage!.ledger.append(records),
        dryRun,
        batchSize,
        onBadRow(bad) {
          if (listed.length < LISTED_ERRORS) listed.push(bad);
          errorsFile?.write(`${bad.line},${JSON.stringify(bad.reason)}\n`);
        },
        onProgress: progress?.update,
      });
      if (storage) added = (await storage.ledger.count({ origin })) - before;
    } catch (error) {
      progress?.done();
      const gzipFailure = gzipError ?? (String((error as { code?: unknown }).code ?? '').startsWith('Z_') ? (error as Error) : undefined);
      if (gzipFailure) throw new CliError(`${file}: not a valid gzip file (${gzipFailure.message})`);
      if (error instanceof ImportFormatError) throw new CliError(`${file}: ${error.message}`);
      throw error;
    } finally {
      source.destroy();
      await new Promise<void>((resolve) => (errorsFile ? errorsFile.end(resolve) : resolve()));
      await storage?.close();
    }
    progress?.done();
    const result = { ...summary, added: added ?? null, firstBadRows: listed, costUsd: formatUsd(summary.costNanoUsd) };
    if (values.json === true) console.log(JSON.stringify(result, null, 2));
    else console.log(formatSummary(file, result));
    if (summary.badRows > 0) {
      throw new CliError(`${summary.badRows} bad row(s) skipped${typeof values['errors-file'] === 'string' ? `; all listed in ${values['errors-file']}` : '; pass --errors-file to list them all'}`, 3);
    }
  },
});

function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

function formatSummary(file: string, result: ImportSummary & { added: number | null; firstBadRows: BadRow[]; costUsd: string }): string {
  const range = result.fromMs === null ? 'no rows' : `${new Date(result.fromMs).toISOString()} .. ${new Date(result.toMs!).toISOString()}`;
  const lines = [
    `${result.dryRun ? 'dry run (nothing written)' : 'imported'} ${file} as ${result.format} (origin ${result.origin})`,
    `  rows read ${result.rowsRead}, imported ${result.rowsImported}${result.added === null ? '' : `, new in the ledger ${result.added} (already there: ${result.rowsImported - result.added})`}, bad ${result.badRows}`,
    `  requests ${result.requests}, input tokens ${result.inputTokens}, output tokens ${result.outputTokens}, cost $${result.costUsd}${result.unpricedRows ? `, UNPRICED rows ${result.unpricedRows} (no price for their model: add a pricing.overrides entry)` : ''}`,
    `  time ${range}; models ${result.models.slice(0, 10).join(', ')}${result.models.length > 10 ? ', ...' : ''}`,
  ];
  if (result.firstBadRows.length) {
    lines.push(`  first bad rows:`);
    for (const bad of result.firstBadRows) lines.push(`    line ${bad.line}: ${bad.reason}`);
  }
  return lines.join('\n');
}

/** A one-line progress bar on stderr (rows/s, ETA from the bytes read); on a non-terminal, a line every 10 s. */
function progressBar(totalBytes: number, bytesRead: () => number): { update(progress: { rows: number; bad: number }): void; done(): void } {
  const started = Date.now();
  const tty = process.stderr.isTTY === true;
  let last = 0;
  let shown = false;
  const render = (rows: number, bad: number) => {
    const elapsed = Math.max(0.001, (Date.now() - started) / 1000);
    const fraction = Math.min(1, bytesRead() / Math.max(1, totalBytes));
    const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
    const width = 24;
    const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
    return `[${bar}] ${(fraction * 100).toFixed(1)}% ${rows} rows ${Math.round(rows / elapsed)} rows/s${bad ? ` ${bad} bad` : ''} ETA ${Number.isFinite(eta) ? `${Math.ceil(eta)}s` : '?'}`;
  };
  return {
    update({ rows, bad }) {
      const now = Date.now();
      if (now - last < (tty ? 200 : 10_000)) return;
      last = now;
      shown = true;
      if (tty) process.stderr.write(`\r${render(rows, bad)}\u001b[K`);
      else process.stderr.write(`${render(rows, bad)}\n`);
    },
    done() {
      if (shown && tty) process.stderr.write('\n');
      shown = false;
    },
  };
}
