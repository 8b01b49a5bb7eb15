import { UsageError } from '../input/input-error.js';
import type { Severity } from '../sim/result.js';

const SEVERITY_RANK: Readonly<Record<Severity, number>> = { error: 2, warning: 1, info: 0 };

/** `--fail-on warning|error`; null when not given. */
export function parseFailOn(text: string | undefined): Severity | null {
  if (text === undefined) return null;
  if (text === 'warning' || text === 'error') return text;
  throw new UsageError(`--fail-on: expected warning or error, got "${text}"`);
}

/** Exit code 1 is due when a finding is at or above the --fail-on severity. */
export function reachesFailOn(severities: Iterable<Severity>, failOn: Severity | null): boolean {
  if (failOn === null) return false;
  for (const severity of severities) if (SEVERITY_RANK[severity] >= SEVERITY_RANK[failOn]) return true;
  return false;
}
