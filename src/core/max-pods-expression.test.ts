/**
 * nodeadm's maxPodsExpression (capacity-models.md §2.4). The cases are nodeadm's own unit tests
 * (awslabs/amazon-eks-ami nodeadm/internal/kubelet/eni_max_pods_test.go @81fec2e, TestCalcMaxPods and
 * TestEvaluateCustomMaxPodsExpression) and its documented examples (nodeadm/doc/examples.md).
 */
import { describe, expect, it } from 'vitest';
import { evaluateMaxPodsExpression } from './max-pods-expression.js';

const evaluate = (expression: string, defaultEnis = 0, ipsPerEni = 0, standardMaxPods = 0) =>
  evaluateMaxPodsExpression(expression, defaultEnis, ipsPerEni, standardMaxPods);

describe('nodeadm unit cases that give a value', () => {
  it.each([
    ['417', 0, 0, 0, 417],
    ['(default_enis * (ips_per_eni - 1)) + 2', 3, 6, 0, 17], // the standard equation, a t3.medium
    ['(default_enis * (ips_per_eni - 1)) + 3', 3, 6, 0, 18],
    ['(default_enis * ((ips_per_eni - 1) * 16)) + 2', 3, 6, 0, 242], // unbounded prefix delegation
    [
      '((default_enis * ((ips_per_eni * 16) - 1)) + 2) < 30 ? ((default_enis * ((ips_per_eni * 16) - 1)) + 2) : 30',
      3,
      6,
      0,
      30,
    ],
    ['((default_enis - 1) * (ips_per_eni - 1)) + 2', 3, 6, 0, 12], // custom networking
    ['max_pods < 30 ? max_pods : 30', 0, 0, 35, 30],
    ['max_pods', 0, 0, 7, 7],
    ['max_pods + 2', 999, 9999, 7, 9],
    ['2147483647', 0, 0, 0, 2147483647], // int32 max is accepted
  ])('%s (E=%i, I=%i, max_pods=%i) → %i', (expression, enis, ips, standard, expected) => {
    expect(evaluate(expression, enis, ips, standard)).toEqual({ status: 'value', maxPods: expected });
  });
});

describe('nodeadm unit cases that fall back to the standard value', () => {
  it.each([
    ['default_enis + fake_variable', 3, 6, 17], // does not compile
    ['99 - fake_variable', 3, 6, 17],
    ['default_enis * 2', 2147483647, 0, 0], // above int32
    ['max_pods - ((default_enis * (ips_per_eni - 1)) + 2)', 3, 6, 17], // 0
    ['max_pods - 2', 0, 0, 1], // −1
    ['true', 0, 0, 0], // a bool is no integer
    ['max_pods +', 3, 10, 29], // a syntax error
    ['max_pods / 0', 3, 10, 29], // an evaluation error
  ])('%s (E=%i, I=%i, max_pods=%i)', (expression, enis, ips, standard) => {
    expect(evaluate(expression, enis, ips, standard).status).toBe('fallback');
  });
});

describe('the result converts to int as nodeadm’s ConvertToType(cel.IntType) does (eni_max_pods.go L108 @81fec2e)', () => {
  it.each([
    ['double(max_pods) * 1.5', 43], // a double truncates towards zero: 43.5 → 43
    ['60.9', 60],
    ['"60"', 60], // a decimal string parses
    ['60u', 60], // a uint converts
  ])('%s → %i', (expression, expected) => {
    expect(evaluate(expression, 3, 10, 29)).toEqual({ status: 'value', maxPods: expected });
  });

  it.each(['0.5', '-1.5', '"sixty"', '" 60"', '"-3"', '1e10', '[60]'])('%s falls back', (expression) => {
    expect(evaluate(expression, 3, 10, 29).status).toBe('fallback');
  });
});
