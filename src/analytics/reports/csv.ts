/**
 * CSV (RFC 4180) that is safe to open in a spreadsheet: a cell with a comma, quote or line break is
 * quoted with doubled quotes, and a text cell starting with = + - @ (or a tab or carriage return) gets
 * a leading apostrophe so a project or user named "=HYPERLINK(...)" is shown, never run as a formula.
 * Numbers are written as they are (a negative number is data, not a formula).
 */
export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | boolean | null | undefined>>): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
