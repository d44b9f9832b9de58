/** One line of text, or a line too long to hold (its text is dropped, its number kept). */
export type Line = { line: number; text: string; tooLong?: undefined } | { line: number; text: ''; tooLong: true };

/**
 * Splits a stream of text chunks into lines without holding more than one line: `push` returns the
 * lines completed by the chunk, `end` the last one. A line longer than `maxLineChars` is reported
 * once as `tooLong` and skipped to its end, so a 10 MB line (or a file with no newline at all)
 * costs no more memory than the limit. Pure and incremental; `\r\n` and `\n` both end a line.
 */
export function createLineSplitter(maxLineChars: number): { push(chunk: string): Line[]; end(): Line[] } {
  let pending = '';
  let skipping = false;
  let lineNumber = 1;
  const take = (text: string, out: Line[]) => {
    if (skipping) {
      out.push({ line: lineNumber, text: '', tooLong: true });
      skipping = false;
    } else {
      out.push({ line: lineNumber, text: text.endsWith('\r') ? text.slice(0, -1) : text });
    }
    lineNumber += 1;
  };
  return {
    push(chunk) {
      const out: Line[] = [];
      let start = 0;
      for (let at = chunk.indexOf('\n'); at >= 0; at = chunk.indexOf('\n', start)) {
        const piece = chunk.slice(start, at);
        if (!skipping && pending.length + piece.length > maxLineChars) skipping = true;
        take(skipping ? '' : pending + piece, out);
        pending = '';
        start = at + 1;
      }
      if (start < chunk.length && !skipping) {
        pending += chunk.slice(start);
        if (pending.length > maxLineChars) {
          skipping = true;
          pending = '';
        }
      }
      return out;
    },
    end() {
      const out: Line[] = [];
      if (pending !== '' || skipping) take(pending, out);
      pending = '';
      return out;
    },
  };
}
