import { createUsage, type Usage } from '../../domain/usage.ts';
import { asRecord, readCount } from '../read-fields.ts';

/**
 * OpenAI usage (chat completions, completions, embeddings, and the Responses API shape) to `Usage`.
 * `prompt_tokens` already includes `prompt_tokens_details.cached_tokens`, and `completion_tokens`
 * already includes `completion_tokens_details.reasoning_tokens`.
 */
export function convertOpenAiUsage(value: unknown): Usage | undefined {
  const usage = asRecord(value);
  if (!usage) return undefined;
  const chatInput = readCount(usage, 'prompt_tokens');
  const responsesInput = readCount(usage, 'input_tokens');
  const inputTotal = chatInput ?? responsesInput;
  if (inputTotal === undefined) return undefined;
  const details = chatInput !== undefined ? 'prompt_tokens_details' : 'input_tokens_details';
  const outputDetails = chatInput !== undefined ? 'completion_tokens_details' : 'output_tokens_details';
  const outputTotal = (chatInput !== undefined ? readCount(usage, 'completion_tokens') : readCount(usage, 'output_tokens')) ?? 0;
  const units: Record<string, number> = {};
  const inputAudio = readCount(usage, details, 'audio_tokens');
  const outputAudio = readCount(usage, outputDetails, 'audio_tokens');
  if (inputAudio) units.input_audio_tokens = inputAudio;
  if (outputAudio) units.output_audio_tokens = outputAudio;
  return createUsage({
    inputTotal,
    // Some OpenAI-compatible servers (xAI, older vLLM) put cached tokens at the top level.
    cacheRead: readCount(usage, details, 'cached_tokens') ?? readCount(usage, 'cached_tokens'),
    cacheWrite: readCount(usage, details, 'cache_write_tokens'),
    outputTotal,
    reasoning: readCount(usage, outputDetails, 'reasoning_tokens'),
    units,
  });
}

/**
 * OpenAI embeddings usage (`{prompt_tokens, total_tokens}`) to `Usage`. Embeddings bill input
 * only, so anything else in the object is ignored: reading the body of an embeddings call with
 * the chat converter would bill stray `completion_tokens` that the provider does not charge.
 */
export function convertOpenAiEmbeddingsUsage(value: unknown): Usage | undefined {
  const inputTotal = readCount(asRecord(value), 'prompt_tokens');
  return inputTotal === undefined ? undefined : createUsage({ inputTotal, outputTotal: 0 });
}
