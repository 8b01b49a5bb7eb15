/**
 * zod schemas for the fields that Kubernetes objects and the Scenario share: quantities, durations,
 * label maps and selectors, taints and tolerations. Each refuses what the API server would refuse,
 * with the rule's source.
 */

import { z } from 'zod';
import { DURATION_EXPECTED, parseDuration } from '../../core/duration.js';
import { parseQuantity, type Quantity } from '../../core/quantity.js';
import type { LabelSelector, NodeSelectorTerm, SelectorRequirement, Taint, Toleration } from '../../sim/model.js';

/** null as Kubernetes' JSON decoding reads it: the same as an absent field. */
function absentIfNull(value: unknown): unknown {
  return value === null ? undefined : value;
}

/** An optional field; null counts as absent. */
export function optional<T extends z.ZodType>(schema: T) {
  return z.preprocess(absentIfNull, schema.optional());
}

/** A field with a default; null counts as absent. */
export function withDefault<T extends z.ZodType>(schema: T, value: z.util.NoUndefined<z.output<T>>) {
  return z.preprocess(absentIfNull, schema.default(value));
}

export const nonEmptyString = z.string().min(1);

const DNS_LABEL = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?$/;

/** apimachinery IsDNS1123Label: at most 63 lowercase letters, digits and '-', alphanumeric at both ends. */
export function isDnsLabel(text: string): boolean {
  return text.length <= 63 && DNS_LABEL.test(text);
}

/** apimachinery IsDNS1123Subdomain: at most 253 characters, DNS labels joined by dots. */
export function isDnsSubdomain(text: string): boolean {
  return text.length <= 253 && text.split('.').every((label) => DNS_LABEL.test(label));
}

/** metadata.name of most kinds, custom resources included (apimachinery NameIsDNSSubdomain). */
export const subdomainName = z.string().refine(isDnsSubdomain, {
  error: 'a DNS-1123 subdomain: lowercase letters, digits, "-" and ".", a letter or digit at each end, at most 253',
});

/** A namespace's name, and a StatefulSet's, whose pods' hostnames it becomes (apimachinery NameIsDNSLabel). */
export const labelName = z.string().refine(isDnsLabel, {
  error: 'a DNS-1123 label: lowercase letters, digits and "-", a letter or digit at each end, at most 63',
});

export const STRING_VALUE_EXPECTED = 'a string (quote values such as "true" or "1" in YAML)';

/** Labels, annotations, node selectors: string to string, as the API types them. */
export const stringMap = z.record(z.string(), z.string({ error: STRING_VALUE_EXPECTED }));

export const QUANTITY_FIELD_EXPECTED = 'a Kubernetes quantity such as 250m, 512Mi or 2';

/** A resource.Quantity: a string, or a JSON number as Quantity.UnmarshalJSON also takes. */
export const quantity = z
  .union([z.string(), z.number()], { error: QUANTITY_FIELD_EXPECTED })
  .transform((value, context): Quantity => {
    const parsed = parseQuantity(String(value));
    if (!parsed.ok) {
      context.addIssue({ code: 'custom', message: QUANTITY_FIELD_EXPECTED });
      return z.NEVER;
    }
    return parsed.value;
  });

/** A quantity that must not be negative (apis/core/validation ValidateNonnegativeQuantity). */
export const nonNegativeQuantity = quantity.refine((q) => q.numerator >= 0n, {
  error: 'a quantity that is not negative',
});

/** A Go duration in milliseconds; a bare 0 is taken as Go takes "0". */
export const duration = z
  .union([z.string(), z.number()], { error: DURATION_EXPECTED })
  .transform((value, context): number => {
    const parsed = typeof value === 'number' ? null : parseDuration(value);
    if (value === 0) return 0;
    if (parsed === null || !parsed.ok) {
      context.addIssue({ code: 'custom', message: parsed?.expected ?? `${DURATION_EXPECTED} (with a unit)` });
      return z.NEVER;
    }
    return parsed.value;
  });

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
const NODE_SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt'] as const;

type Operator = (typeof NODE_SELECTOR_OPERATORS)[number];

/** The value rules of apimachinery ValidateLabelSelectorRequirement and core ValidateNodeSelectorRequirement. */
export function checkRequirementValues(operator: Operator, values: readonly string[], context: z.RefinementCtx): void {
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        context.addIssue({ code: 'custom', message: `at least one value for operator ${operator}`, path: ['values'] });
      }
      return;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        context.addIssue({ code: 'custom', message: `no values for operator ${operator}`, path: ['values'] });
      }
      return;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1 || !/^[+-]?\d+$/.test(values[0] ?? '')) {
        context.addIssue({ code: 'custom', message: `one whole number for operator ${operator}`, path: ['values'] });
      }
      return;
  }
}

export const labelSelectorRequirement = z
  .looseObject({
    key: nonEmptyString,
    operator: z.enum(SELECTOR_OPERATORS),
    values: withDefault(z.array(z.string({ error: STRING_VALUE_EXPECTED })), []),
  })
  .superRefine((r, context) => checkRequirementValues(r.operator, r.values, context))
  .transform((r): SelectorRequirement => ({ key: r.key, operator: r.operator, values: r.values }));

/** A metav1.LabelSelector; an empty one selects everything. */
export const labelSelector = z
  .looseObject({
    matchLabels: withDefault(stringMap, {}),
    matchExpressions: withDefault(z.array(labelSelectorRequirement), []),
  })
  .transform((s): LabelSelector => ({ matchLabels: s.matchLabels, matchExpressions: s.matchExpressions }));

export const nodeSelectorRequirement = z
  .looseObject({
    key: nonEmptyString,
    operator: z.enum(NODE_SELECTOR_OPERATORS),
    values: withDefault(z.array(z.string({ error: STRING_VALUE_EXPECTED })), []),
  })
  .superRefine((r, context) => checkRequirementValues(r.operator, r.values, context))
  .transform((r): SelectorRequirement => ({ key: r.key, operator: r.operator, values: r.values }));

/** A field selector may name only metadata.name, with In or NotIn and one value (core ValidateNodeFieldSelectorRequirement). */
const nodeFieldSelectorRequirement = z
  .looseObject({
    key: z.literal('metadata.name'),
    operator: z.enum(['In', 'NotIn']),
    values: z.array(z.string()).length(1),
  })
  .transform((r): SelectorRequirement => ({ key: r.key, operator: r.operator, values: r.values }));

export const nodeSelectorTerm = z
  .looseObject({
    matchExpressions: withDefault(z.array(nodeSelectorRequirement), []),
    matchFields: withDefault(z.array(nodeFieldSelectorRequirement), []),
  })
  .transform((t): NodeSelectorTerm => ({ matchExpressions: t.matchExpressions, matchFields: t.matchFields }));

export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

const taintShape = {
  key: nonEmptyString,
  value: withDefault(z.string({ error: STRING_VALUE_EXPECTED }), ''),
  effect: z.enum(TAINT_EFFECTS),
};

function toTaint(t: { key: string; value: string; effect: Taint['effect'] }): Taint {
  return { key: t.key, value: t.value, effect: t.effect };
}

/** A v1.Taint in a Kubernetes object. */
export const taint = z.looseObject(taintShape).transform(toTaint);

/** A taint in the Scenario document, where unknown fields are errors. */
export const strictTaint = z.strictObject(taintShape).transform(toTaint);

/** A v1.Toleration with the API's defaults: operator Equal, an empty effect tolerating every effect. */
export const toleration = z
  .looseObject({
    key: withDefault(z.string(), ''),
    operator: withDefault(z.enum(['Equal', 'Exists']), 'Equal'),
    value: withDefault(z.string({ error: STRING_VALUE_EXPECTED }), ''),
    effect: withDefault(z.enum(['', ...TAINT_EFFECTS]), ''),
  })
  .superRefine((t, context) => {
    // apis/core/validation ValidateTolerations.
    if (t.key === '' && t.operator !== 'Exists') {
      context.addIssue({ code: 'custom', message: 'operator Exists when the key is empty', path: ['operator'] });
    }
    if (t.operator === 'Exists' && t.value !== '') {
      context.addIssue({ code: 'custom', message: 'no value when the operator is Exists', path: ['value'] });
    }
  })
  .transform(
    (t): Toleration => ({
      key: t.key,
      operator: t.operator,
      value: t.value,
      effect: t.effect === '' ? null : t.effect,
    }),
  );
