/**
 * Live list items in the shape `kubectl get -o json` prints, so that the cluster builder reads live calls
 * and exported files alike. Pure.
 */

/** `2025-06-02T08:14:31.000Z`: what `Date.toISOString` makes of the API server's whole-second timestamps. */
const WHOLE_SECOND_ISO = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})\.000Z$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The JSON value of a serialized typed-client object: fields that were absent (serialized as `undefined`)
 * dropped, as JSON.stringify would drop them, and whole-second timestamps written without a fraction,
 * as metav1.Time marshals them (RFC 3339, seconds).
 */
function toJsonValue(value: unknown): unknown {
  if (typeof value === 'string') {
    const wholeSecond = WHOLE_SECOND_ISO.exec(value);
    return wholeSecond === null ? value : `${wholeSecond[1]}Z`;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value instanceof Date) return toJsonValue(value.toISOString());
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field !== undefined) out[key] = toJsonValue(field);
    }
    return out;
  }
  return value;
}

/**
 * One item of a typed list, already serialized back to its wire field names by the client's
 * ObjectSerializer, as kubectl prints it: `apiVersion` and `kind` first (a list's items come without them).
 */
export function toKubectlItem(serialized: unknown, apiVersion: string, kind: string): Record<string, unknown> {
  const json = toJsonValue(serialized);
  if (!isRecord(json)) throw new Error(`a ${kind} list item is not an object`);
  const { apiVersion: _apiVersion, kind: _kind, ...rest } = json;
  return { apiVersion, kind, ...rest };
}

/**
 * One item of a custom-resource list, which the client hands over as the server's JSON: `apiVersion` and
 * `kind` set where the server left them out, nothing else touched.
 */
export function withTypeMeta(item: unknown, apiVersion: string, kind: string): Record<string, unknown> {
  if (!isRecord(item)) throw new Error(`a ${kind} list item is not an object`);
  const { apiVersion: itemApiVersion, kind: itemKind, ...rest } = item;
  return {
    apiVersion: typeof itemApiVersion === 'string' ? itemApiVersion : apiVersion,
    kind: typeof itemKind === 'string' ? itemKind : kind,
    ...rest,
  };
}
