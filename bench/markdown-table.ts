// A Markdown table: a header, a separator and rows (cells must already escape `|`).

export type Row = readonly string[];

export function table(header: Row, rows: readonly Row[]): string {
  const line = (cells: Row): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
