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
