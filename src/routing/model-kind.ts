import type { Operation } from '../domain/request.ts';

/** What is known about a capability: `unknown` never excludes a model (only a known `no` does). */
export type Capability = 'yes' | 'no' | 'unknown';

export interface ModelCapabilities {
  tools: Capability;
  vision: Capability;
  json: Capability;
}

/** Operations a routed request can ask for (`models` is never routed). */
export type RoutedOperation = Exclude<Operation, 'models'>;

export interface ModelKind {
  operations: RoutedOperation[];
  /** Where `operations` came from: the config, the price catalogue (input-only pricing), the model's name, or the chat default. */
  operationsSource: 'config' | 'catalogue' | 'name' | 'default';
  capabilities: ModelCapabilities;
}

const CHAT: RoutedOperation[] = ['chat', 'messages', 'completion'];
/** OpenAI's legacy completion-only models. */
const COMPLETION_ONLY = /^(gpt-3\.5-turbo-instruct|davinci-002|babbage-002)\b/;

/**
 * What a configured model does and can do. Pure. Operations: the config's, else embedding when the
 * name says `embed` or the price catalogue lists it with an input price and no output price (how
 * genai-prices lists embedding models), completion-only for OpenAI's legacy instruct models, else
 * chat (which also serves Anthropic messages and completions). Capabilities: the config's yes/no;
 * an embedding model can do none of them; otherwise unknown.
 */
export function modelKind(input: {
  upstreamModel: string;
  operations?: readonly RoutedOperation[] | undefined;
  capabilities?: { tools?: boolean | undefined; vision?: boolean | undefined; json?: boolean | undefined } | undefined;
  /** List prices when the catalogue has them (nano-USD per million tokens); undefined when unpriced or a local node. */
  listRates?: { inputPerMTokNanoUsd: number; outputPerMTokNanoUsd: number } | undefined;
}): ModelKind {
  let operations: RoutedOperation[];
  let operationsSource: ModelKind['operationsSource'];
  const name = input.upstreamModel.toLowerCase();
  if (input.operations && input.operations.length > 0) {
    operations = [...new Set(input.operations)];
    operationsSource = 'config';
  } else if (name.includes('embed')) {
    operations = ['embedding'];
    operationsSource = 'name';
  } else if (input.listRates && input.listRates.inputPerMTokNanoUsd > 0 && input.listRates.outputPerMTokNanoUsd === 0) {
    operations = ['embedding'];
    operationsSource = 'catalogue';
  } else if (COMPLETION_ONLY.test(name)) {
    operations = ['completion'];
    operationsSource = 'name';
  } else {
    operations = [...CHAT];
    operationsSource = 'default';
  }
  const embeddingOnly = operations.every((operation) => operation === 'embedding');
  const known = (value: boolean | undefined): Capability => (value === undefined ? (embeddingOnly ? 'no' : 'unknown') : value ? 'yes' : 'no');
  const configured = input.capabilities ?? {};
  return { operations, operationsSource, capabilities: { tools: known(configured.tools), vision: known(configured.vision), json: known(configured.json) } };
}
