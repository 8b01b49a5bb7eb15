/** A plain text table: columns padded to their widest cell, numbers right-aligned. */
export interface Column {
  readonly header: string;
  readonly align?: 'left' | 'right';
}

export function renderTable(columns: readonly Column[], rows: readonly (readonly string[])[]): string {
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i] ?? 0;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n');
}

/** Breaks a long line at spaces so that no line passes `width`; continuation lines are indented. */
export function wrapLine(line: string, width = 100, indent = '  '): string {
  if (line.length <= width || line.includes('\n')) return line;
  const lines: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    const prefix = lines.length === 0 ? '' : indent;
    if (current !== '' && prefix.length + current.length + 1 + word.length > width) {
      lines.push(prefix + current);
      current = word;
    } else {
      current = current === '' ? word : `${current} ${word}`;
    }
  }
  if (current !== '') lines.push((lines.length === 0 ? '' : indent) + current);
  return lines.join('\n');
}

const INDENT = '    ';

export function fits(text: string, width: number): boolean {
  return text.split('\n').every((line) => line.length <= width);
}

/** `text` broken at spaces into lines of `INDENT` + at most `width` − 4 characters. */
export function indented(text: string, width: number): string {
  return wrapLine(text, Math.max(1, width - INDENT.length), '')
    .split('\n')
    .map((line) => INDENT + line)
    .join('\n');
}

/** A table when it fits; else one block a row (the first cell, then `header value` pairs), for long names. */
export function renderTableWithin(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  width: number,
): string {
  const table = renderTable(columns, rows);
  if (fits(table, width)) return table;
  return rows
    .map((row) => {
      const details = columns
        .slice(1)
        .map((column, i) => `${column.header.toLowerCase()} ${row[i + 1] || '-'}`)
        .join(', ');
      return `${row[0] ?? ''}\n${indented(details, width)}`;
    })
    .join('\n');
}
