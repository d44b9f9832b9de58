import type { SecretScrubber } from '../domain/secret-scrubber.ts';
import type { UpstreamClient, UpstreamResponse } from '../pipeline/upstream-client.ts';

/**
 * The upstream client as the pipeline sees it: every response body (JSON answers, error texts,
 * SSE streams, piece by piece) and header value comes back with configured secrets scrubbed, so
 * an upstream that echoes the gateway's credential cannot hand it to a tenant, the ledger, the
 * cache or a log. Without secrets configured the client is returned as it is.
 */
export function scrubbingUpstream(upstream: UpstreamClient, scrubber: SecretScrubber): UpstreamClient {
  if (!scrubber.active) return upstream;
  return {
    async send(provider, request, signal) {
      return scrubResponse(await upstream.send(provider, request, signal), scrubber);
    },
    close: () => upstream.close(),
  };
}

function scrubResponse(response: UpstreamResponse, scrubber: SecretScrubber): UpstreamResponse {
  const headers: UpstreamResponse['headers'] = {};
  for (const [name, value] of Object.entries(response.headers)) {
    headers[name] = Array.isArray(value) ? value.map((v) => scrubber.scrub(v)) : value === undefined ? undefined : scrubber.scrub(value);
  }
  return {
    status: response.status,
    headers,
    body: scrubBody(response.body, scrubber),
    text: async () => scrubber.scrub(await response.text()),
    dump: () => response.dump(),
  };
}

async function* scrubBody(body: AsyncIterable<Buffer>, scrubber: SecretScrubber): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder();
  const stream = scrubber.stream();
  for await (const chunk of body) {
    const out = stream.push(decoder.decode(chunk, { stream: true }));
    if (out) yield Buffer.from(out);
  }
  const tail = stream.push(decoder.decode()) + stream.end();
  if (tail) yield Buffer.from(tail);
}
