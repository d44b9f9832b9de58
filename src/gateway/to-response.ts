import type { PipelineResult } from '../pipeline/types.ts';

const encoder = new TextEncoder();

/** Turns a pipeline result into a web Response; streams are pulled one upstream chunk at a time. */
export function toResponse(result: PipelineResult): Response {
  if (result.kind === 'json') {
    return new Response(result.body, { status: result.status, headers: { 'content-type': 'application/json', ...result.headers } });
  }
  const iterator = result.stream[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(encoder.encode(value));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      // The client went away: stop the generator so it meters the request and releases the upstream.
      await iterator.return?.(undefined);
    },
  });
  return new Response(body, { status: result.status, headers: result.headers });
}
