import { isAscii } from 'node:buffer';

/**
 * Decodes a stream's reads as UTF-8, one read at a time. While every byte is ASCII (< 0x80), a
 * read is decoded as latin1 (the same characters, a cheaper native path than TextDecoder); at the
 * first read holding any other byte, decoding switches for good to a streaming TextDecoder, which
 * joins a multibyte character split across reads and replaces invalid bytes as before. A leading
 * byte-order mark is dropped (as the SSE spec and TextDecoder do); one later in the stream is text.
 */
export class Utf8Reads {
  /** True when the last read's text is exactly its own bytes: nothing held back from before or for after, no BOM dropped. */
  exact = true;
  private decoder: InstanceType<typeof TextDecoder> | undefined;
  private started = false;
  /** The last read ended inside a multibyte character (its first bytes wait in the decoder). */
  private pending = false;

  decode(chunk: Uint8Array): string {
    const length = chunk.length;
    let bom = false;
    if (this.decoder === undefined) {
      // Native (vectorised) check: a byte loop here was a tenth of the relay's CPU for a short answer.
      if (isAscii(chunk)) {
        if (length > 0) this.started = true;
        this.exact = true;
        return asBuffer(chunk).toString('latin1');
      }
      bom = !this.started && length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
      this.decoder = new TextDecoder('utf-8', { ignoreBOM: this.started });
      this.started = true;
    }
    const text = this.decoder.decode(chunk, { stream: true });
    const heldBack = this.pending;
    this.pending = !endsOnCharBoundary(chunk);
    this.exact = !bom && !heldBack && !this.pending;
    return text;
  }

  /** The end of the stream: what the decoder still held (a character cut off at the end becomes U+FFFD). */
  end(): string {
    return this.decoder === undefined ? '' : this.decoder.decode();
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
}

/** False when the read ends inside a multibyte UTF-8 sequence (its last lead byte announces more bytes than follow). */
export function endsOnCharBoundary(chunk: Uint8Array): boolean {
  const length = chunk.length;
  if (length === 0 || chunk[length - 1]! < 0x80) return true;
  let lead = length - 1;
  while (lead > 0 && lead > length - 4 && (chunk[lead]! & 0xc0) === 0x80) lead -= 1;
  const byte = chunk[lead]!;
  const size = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
  return length - lead >= size;
}
