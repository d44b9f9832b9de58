/**
 * One normalised token usage for every provider and wire format.
 *
 * Semantics (the #1 source of metering bugs in other gateways):
 * - `input.total` counts every input token, including cache reads and cache writes.
 *   OpenAI `prompt_tokens` already includes `cached_tokens`; Anthropic `input_tokens` EXCLUDES
 *   `cache_read_input_tokens` and `cache_creation_input_tokens`, so its converter adds them.
 * - `input.uncached = total - cacheRead - cacheWrite`.
 * - `output.total` includes reasoning tokens (OpenAI `completion_tokens` does already).
 * - `units` holds the other billable quantities under genai-prices' names
 *   (`input_audio_tokens`, `output_audio_tokens`, `web_searches`, …) so they are priced too.
 */
export interface Usage {
  input: {
    total: number;
    uncached: number;
    cacheRead: number;
    /** All cache-write tokens; `cacheWrite1h` is the part written with a 1-hour TTL. */
    cacheWrite: number;
    cacheWrite1h: number;
  };
  output: {
    total: number;
    text: number;
    reasoning: number;
  };
  units: Record<string, number>;
}

export interface UsageParts {
  inputTotal: number;
  cacheRead?: number;
  cacheWrite?: number;
  cacheWrite1h?: number;
  outputTotal: number;
  reasoning?: number;
  units?: Record<string, number>;
}

/** Builds a consistent Usage, clamping impossible splits (a provider reporting more cached than total tokens). */
export function createUsage(parts: UsageParts): Usage {
  const inputTotal = nonNegative(parts.inputTotal);
  const cacheRead = Math.min(nonNegative(parts.cacheRead), inputTotal);
  const cacheWrite = Math.min(nonNegative(parts.cacheWrite), inputTotal - cacheRead);
  const cacheWrite1h = Math.min(nonNegative(parts.cacheWrite1h), cacheWrite);
  const outputTotal = nonNegative(parts.outputTotal);
  // Some providers report reasoning_tokens > completion_tokens (seen on Baseten/Kimi): clamp.
  const reasoning = Math.min(nonNegative(parts.reasoning), outputTotal);
  return {
    input: { total: inputTotal, uncached: inputTotal - cacheRead - cacheWrite, cacheRead, cacheWrite, cacheWrite1h },
    output: { total: outputTotal, text: outputTotal - reasoning, reasoning },
    units: { ...(parts.units ?? {}) },
  };
}

export const EMPTY_USAGE: Usage = createUsage({ inputTotal: 0, outputTotal: 0 });

export function addUsage(a: Usage, b: Usage): Usage {
  const units: Record<string, number> = { ...a.units };
  for (const [key, value] of Object.entries(b.units)) units[key] = (units[key] ?? 0) + value;
  return createUsage({
    inputTotal: a.input.total + b.input.total,
    cacheRead: a.input.cacheRead + b.input.cacheRead,
    cacheWrite: a.input.cacheWrite + b.input.cacheWrite,
    cacheWrite1h: a.input.cacheWrite1h + b.input.cacheWrite1h,
    outputTotal: a.output.total + b.output.total,
    reasoning: a.output.reasoning + b.output.reasoning,
    units,
  });
}

function nonNegative(value: number | undefined): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
