import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * A tiny sentence-embedding model folder built in the test itself (no download): `model.onnx` is a
 * Gather from a token-embedding table, so `last_hidden_state[i] = table[input_ids[i]]`, and
 * `vocab.txt` a BERT-style WordPiece vocabulary. Mean pooling of the output is then checkable by hand.
 */
export function writeTinyEmbeddingModel(folder: string, vocab: readonly string[], table: readonly number[][]): void {
  mkdirSync(folder, { recursive: true });
  const dims = table[0]?.length ?? 0;
  const dim = (value: number | string) => (typeof value === 'number' ? { dimValue: value } : { dimParam: value });
  const tensorType = (elemType: number, shape: Array<number | string>) => ({ tensorType: { elemType, shape: { dim: shape.map(dim) } } });
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'tollgate-test',
    opsetImport: [{ domain: '', version: 13 }],
    graph: {
      name: 'tiny-embedder',
      node: [{ opType: 'Gather', input: ['embeddings', 'input_ids'], output: ['last_hidden_state'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
      initializer: [{ name: 'embeddings', dataType: FLOAT, dims: [table.length, dims], floatData: table.flat() }],
      input: [
        { name: 'input_ids', type: tensorType(INT64, ['batch', 'sequence']) },
        { name: 'attention_mask', type: tensorType(INT64, ['batch', 'sequence']) },
      ],
      output: [{ name: 'last_hidden_state', type: tensorType(FLOAT, ['batch', 'sequence', dims]) }],
    },
  });
  writeFileSync(path.join(folder, 'model.onnx'), onnx.ModelProto.encode(model).finish());
  writeFileSync(path.join(folder, 'vocab.txt'), `${vocab.join('\n')}\n`);
}
