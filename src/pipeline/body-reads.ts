import { Readable } from 'node:stream';

/**
 * An upstream body read one read at a time: `next()` gives everything that has arrived since the
 * last call as one Buffer (null at the end, the body's error thrown), `ended()` says whether the
 * body's end has already arrived with it (no read follows), `cancel()` stops reading early and
 * releases the body (it is destroyed, as a `for await` loop left early does).
 */
export interface BodyReads {
  next(): Promise<Buffer | null>;
  ended(): boolean;
  cancel(): Promise<void>;
}

/** Reads a body: undici's Readable from its own events, any other async iterable (a wrapped body) through its iterator. */
export function readBody(body: AsyncIterable<Buffer>): BodyReads {
  return body instanceof Readable ? new ReadableReads(body as ReadBody) : new IteratorReads(body[Symbol.asyncIterator]());
}

const READS = Symbol('reads');
type ReadBody = Readable & { [READS]: ReadableReads; _readableState?: { ended?: boolean } };

/**
 * A Readable read in paused mode, from its 'readable'/'end'/'error'/'close' events: what the
 * stream's async iterator does, without an async generator step, `finished()` hook and promise
 * pair per read. The listeners are module functions (no closures per body).
 */
class ReadableReads implements BodyReads {
  wake: (() => void) | undefined = undefined;
  closed = false;

  constructor(readonly body: ReadBody) {
    body[READS] = this;
    body.on('readable', wakeReads).on('end', wakeReads).on('error', wakeReads).on('close', closeReads);
  }

  async next(): Promise<Buffer | null> {
    const { body } = this;
    for (;;) {
      if (body.errored) throw body.errored;
      const chunk = body.destroyed ? null : (body.read() as Buffer | null);
      if (chunk !== null) return chunk;
      // The end has arrived and all is read: no need to wait for the 'end' event (a tick later).
      if (body.readableEnded || this.ended()) return null;
      if (this.closed || body.destroyed) throw Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  ended(): boolean {
    // Node has no public flag for "the end has been pushed" (`readableEnded` waits for the 'end' event, a tick later):
    // without it a read is never taken for the last (the answer is only slower, never wrong).
    return this.body._readableState?.ended === true && this.body.readableLength === 0;
  }

  async cancel(): Promise<void> {
    // Without its 'readable' listener a later `dump()` can make the (destroyed) body flow.
    this.body.off('readable', wakeReads);
    this.body.destroy();
  }
}

function wakeReads(this: ReadBody): void {
  const reads = this[READS];
  const wake = reads.wake;
  reads.wake = undefined;
  wake?.();
}

function closeReads(this: ReadBody): void {
  this[READS].closed = true;
  wakeReads.call(this);
}

function chunkOf(step: IteratorResult<Buffer>): Buffer | null {
  return step.done ? null : step.value;
}

/** Any other body (the scrubbing wrapper's generator): its iterator, the end never known before it comes. */
class IteratorReads implements BodyReads {
  constructor(readonly iterator: AsyncIterator<Buffer>) {}

  next(): Promise<Buffer | null> {
    return this.iterator.next().then(chunkOf);
  }

  ended(): boolean {
    return false;
  }

  async cancel(): Promise<void> {
    await this.iterator.return?.();
  }
}
