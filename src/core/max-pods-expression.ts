import { evaluate } from '@marcbachmann/cel-js';
import { UnsignedInt } from '@marcbachmann/cel-js/evaluator';

export type ExpressionResult =
  | { readonly status: 'value'; readonly maxPods: number }
  | { readonly status: 'fallback'; readonly reason: string };

const INT32_MAX = 2 ** 31 - 1;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * The result as CEL's `ConvertToType(IntType)` turns it into an int, which nodeadm applies before its
 * range check (eni_max_pods.go L108 @81fec2e; cel-go types/double.go doubleToInt64Checked,
 * types/string.go strconv.ParseInt(s, 10, 64)): a double truncates towards zero, a decimal string
 * parses, a uint converts; anything else, or an int64 overflow, is no int (null).
 */
function celToInt(result: unknown): bigint | null {
  let value: bigint | null = null;
  if (typeof result === 'bigint') value = result;
  else if (result instanceof UnsignedInt) value = result.value;
  else if (typeof result === 'number' && Number.isFinite(result)) value = BigInt(Math.trunc(result));
  else if (typeof result === 'string' && /^[+-]?\d+$/.test(result)) value = BigInt(result);
  return value !== null && value >= INT64_MIN && value <= INT64_MAX ? value : null;
}

/**
 * nodeadm's `maxPodsExpression`: CEL over `default_enis`, `ips_per_eni` and `max_pods` (the standard
 * ENI value). A result that is not an integer in (0, int32] makes nodeadm keep the standard value
 * (amazon-eks-ami nodeadm/internal/kubelet/eni_max_pods.go L79-L114 @81fec2e). The expression is
 * interpreted by a CEL library with only these three variables: it is never run as code.
 */
export function evaluateMaxPodsExpression(
  expression: string,
  defaultEnis: number,
  ipsPerEni: number,
  standardMaxPods: number,
): ExpressionResult {
  let result: unknown;
  try {
    result = evaluate(expression, {
      default_enis: BigInt(defaultEnis),
      ips_per_eni: BigInt(ipsPerEni),
      max_pods: BigInt(standardMaxPods),
    });
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('\n')[0] ?? 'error') : 'error';
    return { status: 'fallback', reason: `the expression does not evaluate: ${message}` };
  }
  const value = celToInt(result);
  if (value === null) return { status: 'fallback', reason: 'the expression is not an integer' };
  if (value <= 0n || value > BigInt(INT32_MAX)) {
    return { status: 'fallback', reason: `the expression gives ${value}, outside 1..${INT32_MAX}` };
  }
  return { status: 'value', maxPods: Number(value) };
}
