/**
 * The strings a ClusterState keeps, copied out of the JSON they were read from and shared where equal:
 * 150,000 pods repeat the same namespaces, node names, label values and owners.
 */

/**
 * A string that owns its characters. V8 keeps a substring as a slice of its parent, so a pod name cut
 * from the streaming parser's buffer would keep that whole buffer alive for as long as the pod is kept.
 */
export function copyString(text: string): string {
  return ` ${text}`.slice(1);
}

/** Interns strings for the records of one read; cleared when the state is built. */
export class StringPool {
  private readonly strings = new Map<string, string>();

  /** The one copy of this text (copied the first time it is seen). */
  intern(text: string): string {
    const found = this.strings.get(text);
    if (found !== undefined) return found;
    const copy = copyString(text);
    this.strings.set(copy, copy);
    return copy;
  }

  /** A string map with interned values; keys become property names, which V8 copies anyway. */
  internMap(map: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const copy: Record<string, string> = {};
    for (const [key, value] of Object.entries(map)) copy[key] = this.intern(value);
    return copy;
  }

  /** Interns a value that may be absent. */
  internOrNull(text: string | null | undefined): string | null {
    return text === null || text === undefined ? null : this.intern(text);
  }

  clear(): void {
    this.strings.clear();
  }
}
