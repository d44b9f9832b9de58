import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { normalise, type Embedder } from '../../language/embedder.ts';
import { encodeWordPiece, vocabFromText, vocabFromTokenizerJson, type WordPieceVocab } from './wordpiece.ts';

/**
 * Opt-in: a sentence-embedding model exported to ONNX (MiniLM, BGE, E5, GTE …) from a local folder,
 * run with `onnxruntime-node` (an optional dependency; nothing is downloaded). The folder holds
 * `model.onnx` (or `onnx/model.onnx`) and a WordPiece vocabulary (`vocab.txt` or `tokenizer.json`).
 * Token vectors are mean-pooled over the attention mask and L2-normalised; a model whose first
 * output is already one vector per text (rank 2) is used as is.
 */
export async function createOnnxEmbedder(folder: string, options: { maxTokens?: number } = {}): Promise<Embedder> {
  const modelPath = ['model.onnx', 'onnx/model.onnx'].map((name) => path.join(folder, name)).find((file) => existsSync(file));
  if (!modelPath) throw new Error(`ONNX embedder: no model.onnx (or onnx/model.onnx) in ${folder}`);
  const vocab = loadVocab(folder);
  let ort: typeof import('onnxruntime-node');
  try {
    ort = await import('onnxruntime-node');
  } catch {
    throw new Error('ONNX embedder: the optional package onnxruntime-node is not installed (npm install onnxruntime-node)');
  }
  const session = await ort.InferenceSession.create(modelPath, { graphOptimizationLevel: 'all' });
  if (!session.inputNames.includes('input_ids')) throw new Error(`ONNX embedder: ${modelPath} has no input_ids input (inputs: ${session.inputNames.join(', ')})`);
  const outputName = ['sentence_embedding', 'last_hidden_state'].find((name) => session.outputNames.includes(name)) ?? session.outputNames[0];
  if (!outputName) throw new Error(`ONNX embedder: ${modelPath} has no outputs`);
  const maxTokens = options.maxTokens ?? 256;
  const digest = createHash('sha256').update(readFileSync(modelPath)).digest('hex').slice(0, 16);
  const embedder: Embedder = {
    id: `onnx:${digest}:${maxTokens}`,
    dimensions: 0,
    async embed(text: string): Promise<Float32Array> {
      const ids = encodeWordPiece(text, vocab, maxTokens);
      const shape = [1, ids.length];
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = { input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), shape) };
      if (session.inputNames.includes('attention_mask')) feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), shape);
      if (session.inputNames.includes('token_type_ids')) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(ids.length), shape);
      const output = (await session.run(feeds))[outputName];
      if (!output || output.type !== 'float32') throw new Error(`ONNX embedder: output ${outputName} is not float32`);
      const data = output.data as Float32Array;
      const dims = output.dims;
      const width = dims[dims.length - 1] ?? 0;
      const vector = new Float32Array(width);
      if (dims.length === 3) {
        const tokens = dims[1] ?? 0;
        for (let t = 0; t < tokens; t += 1) for (let d = 0; d < width; d += 1) vector[d] = (vector[d] as number) + (data[t * width + d] as number) / tokens;
      } else vector.set(data.subarray(0, width));
      embedder.dimensions = width;
      return normalise(vector);
    },
  };
  return embedder;
}

function loadVocab(folder: string): WordPieceVocab {
  const lowercase = doLowerCase(folder);
  const tokenizerJson = path.join(folder, 'tokenizer.json');
  if (existsSync(tokenizerJson)) {
    const vocab = vocabFromTokenizerJson(JSON.parse(readFileSync(tokenizerJson, 'utf8')));
    return lowercase === undefined ? vocab : { ...vocab, lowercase };
  }
  const vocabTxt = path.join(folder, 'vocab.txt');
  if (existsSync(vocabTxt)) return vocabFromText(readFileSync(vocabTxt, 'utf8'), lowercase ?? true);
  throw new Error(`ONNX embedder: no tokenizer.json or vocab.txt in ${folder}`);
}

function doLowerCase(folder: string): boolean | undefined {
  const file = path.join(folder, 'tokenizer_config.json');
  if (!existsSync(file)) return undefined;
  const value = (JSON.parse(readFileSync(file, 'utf8')) as { do_lower_case?: unknown }).do_lower_case;
  return typeof value === 'boolean' ? value : undefined;
}
