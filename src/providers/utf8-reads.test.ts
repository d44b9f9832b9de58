import { describe, expect, it } from 'vitest';
import { endsOnCharBoundary, Utf8Reads } from './utf8-reads.ts';

describe('Utf8Reads', () => {
  it('decodes ASCII reads, then switches at the first other byte, joining characters split across reads', () => {
    const bytes = Buffer.from('ab é€🙂 z');
    for (let cut = 1; cut < bytes.length; cut += 1) {
      for (let second = cut; second < bytes.length; second += 1) {
        const reads = new Utf8Reads();
        const text = reads.decode(bytes.subarray(0, cut)) + reads.decode(bytes.subarray(cut, second)) + reads.decode(bytes.subarray(second)) + reads.end();
        expect(text).toBe('ab é€🙂 z');
      }
    }
  });

  it("says whether a read's text is exactly its bytes", () => {
    const reads = new Utf8Reads();
    reads.decode(Buffer.from('abc'));
    expect(reads.exact).toBe(true);
    const euro = Buffer.from('€');
    reads.decode(Buffer.concat([Buffer.from('x'), euro.subarray(0, 2)]));
    expect(reads.exact).toBe(false);
    expect(reads.decode(euro.subarray(2))).toBe('€');
    expect(reads.exact).toBe(false);
    expect(reads.decode(Buffer.from('é\n'))).toBe('é\n');
    expect(reads.exact).toBe(true);
  });

  it('drops a leading BOM only', () => {
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    const first = new Utf8Reads();
    expect(first.decode(Buffer.concat([bom, Buffer.from('data')]))).toBe('data');
    expect(first.exact).toBe(false);
    const later = new Utf8Reads();
    expect(later.decode(Buffer.from('a')) + later.decode(Buffer.concat([bom, Buffer.from('b')]))).toBe('a\uFEFFb');
    expect(later.exact).toBe(true);
  });

  it('finds a read ending inside a multibyte character', () => {
    const smile = Buffer.from('a🙂');
    expect(endsOnCharBoundary(smile)).toBe(true);
    for (let end = 2; end < smile.length; end += 1) expect(endsOnCharBoundary(smile.subarray(0, end))).toBe(false);
    expect(endsOnCharBoundary(Buffer.from(''))).toBe(true);
  });
});
