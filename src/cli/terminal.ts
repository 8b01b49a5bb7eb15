/**
 * What the terminal allows: colour only on a TTY and never with NO_COLOR (https://no-color.org: set and
 * not empty) or TERM=dumb. Renderers produce plain text; colour is painted on at this edge, after
 * wrapping, so widths are counted without escape codes.
 */

export interface TerminalInfo {
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export function colourAllowed(isTty: boolean, env: TerminalInfo['env']): boolean {
  if (!isTty) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return env.TERM !== 'dumb';
}

/** SGR codes (ECMA-48): set, then reset only what was set, so the styles nest. */
const SGR = {
  red: ['31', '39'],
  yellow: ['33', '39'],
  bold: ['1', '22'],
  dim: ['2', '22'],
} as const;

type Format = keyof typeof SGR;

const paint = (format: Format, text: string) => `\u001b[${SGR[format][0]}m${text}\u001b[${SGR[format][1]}m`;

/** Line patterns of podcap's text output and how each is painted. */
const RULES: readonly { readonly pattern: RegExp; readonly apply: (match: RegExpExecArray) => string }[] = [
  // `ERROR PODS_PENDING at 3m: …` (simulate findings)
  {
    pattern: /^(ERROR|WARNING|INFO)( [A-Z][A-Z0-9_]+)(.*)$/s,
    apply: ([, severity = '', code = '', rest = '']) =>
      paint(severity === 'ERROR' ? 'red' : severity === 'WARNING' ? 'yellow' : 'dim', severity) +
      paint('bold', code) +
      rest,
  },
  // `✗ m8g.large KARPENTER_…: …` and `! …` (node and ips findings), possibly indented
  {
    pattern: /^(\s*)(✗|!)( .*)$/s,
    apply: ([, indent = '', mark = '', rest = '']) => indent + paint(mark === '✗' ? 'red' : 'yellow', mark) + rest,
  },
  // Table headers: an upper-case first column name, then columns two or more spaces apart.
  {
    pattern: /^(\s*)([A-Z]{3,}(?: {2,}[A-Za-z][A-Za-z0-9/@.-]*(?: [A-Za-z0-9/@.-]+)*)+)$/,
    apply: ([, indent = '', header = '']) => indent + paint('bold', header),
  },
];

/** Paints severities, markers and table headers of podcap's plain text. */
export function colourize(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      for (const rule of RULES) {
        const match = rule.pattern.exec(line);
        if (match) return rule.apply(match);
      }
      return line;
    })
    .join('\n');
}
