import { evaluate } from '@marcbachmann/cel-js';

export type ExpressionResult =
  | { readonly status: 'value'; readonly maxPods: number }
  | { readonly status: 'fallback'; readonly reason: string };

const INT32_MAX = 2 ** 31 - 1;

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
  if (typeof result !== 'bigint') return { status: 'fallback', reason: 'the expression is not an integer' };
  if (result <= 0n || result > BigInt(INT32_MAX)) {
    return { status: 'fallback', reason: `the expression gives ${result}, outside 1..${INT32_MAX}` };
  }
  return { status: 'value', maxPods: Number(result) };
}
