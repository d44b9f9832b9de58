import type { Operation } from '../../domain/request.ts';

/**
 * One usage row read from an outside export, before it becomes a ledger record. Parsers produce
 * these; `validateImportRow` checks them; `toLedgerRecord` prices and keys them.
 */
export interface ImportRow {
  /** Line in the file where the row's record starts (1-based), for error messages. */
  line: number;
  /**
   * What makes the row unique within its format (a bucket start + group-by values, a request id,
   * the line's content): the ledger id is derived from it, so a re-import adds nothing.
   */
  naturalKey: string;
  timeMs: number;
  model: string;
  /** Provider id ('openai', 'anthropic', a LiteLLM `custom_llm_provider'); null when unknown. */
  provider: string | null;
  orgId: string | null;
  projectId: string | null;
  userId: string | null;
  keyId: string | null;
  tags: string[];
  /** Requests the row stands for: 1 for a request log line, `num_model_requests` for a bucket, 0 for a cost line. */
  requests: number;
  /** All input tokens, cache reads and writes included (the ledger's convention). */
  inputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  cacheWrite1hTokens: number;
  /** All output tokens, reasoning included. */
  outputTokens: number;
  reasoningTokens: number;
  /** Other billable units under genai-prices names (audio tokens, web searches). */
  units: Record<string, number>;
  /** The exported cost when the export has one (kept exactly); undefined: priced by the price book. */
  costNanoUsd: number | undefined;
  /** Batch API usage (priced at the batch discount). */
  batch: boolean;
  operation: Operation;
  wire: 'openai' | 'anthropic';
  status: number;
  latencyMs: number;
}

/** A row the parser could not use: reported with its line and skipped. */
export class RowError extends Error {
  override readonly name = 'RowError';
}

/** The file is not what `--format` says (or its columns are wrong): the import stops. */
export class ImportFormatError extends Error {
  override readonly name = 'ImportFormatError';
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
  }
}

/** An ImportRow with neutral values; parsers fill what their format has. */
export function blankRow(line: number, naturalKey: string): ImportRow {
  return {
    line,
    naturalKey,
    timeMs: Number.NaN,
    model: '',
    provider: null,
    orgId: null,
    projectId: null,
    userId: null,
    keyId: null,
    tags: [],
    requests: 1,
    inputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    cacheWrite1hTokens: 0,
    outputTokens: 0,
    reasoningTokens: 0,
    units: {},
    costNanoUsd: undefined,
    batch: false,
    operation: 'chat',
    wire: 'openai',
    status: 200,
    latencyMs: 0,
  };
}
