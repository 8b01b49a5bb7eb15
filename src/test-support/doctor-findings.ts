import { expect } from 'vitest';
import type { DoctorCode, DoctorFinding } from '../doctor/doctor-result.js';

/** The one finding of `code`, failing the test (with every finding shown) when there is not exactly one. */
export function onlyFinding(findings: readonly DoctorFinding[], code: DoctorCode): DoctorFinding {
  const matching = findings.filter((f) => f.code === code);
  expect(matching, `one ${code} in ${JSON.stringify(findings, null, 2)}`).toHaveLength(1);
  return matching[0] as DoctorFinding;
}

export function findingCodes(findings: readonly DoctorFinding[]): DoctorCode[] {
  return findings.map((f) => f.code);
}
