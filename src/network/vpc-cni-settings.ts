/**
 * The aws-node (VPC CNI) settings that decide how ipamd hands out addresses, read from the
 * DaemonSet's environment exactly as users write it (research vpc-cni-ipam.md §3.1).
 */
export interface VpcCniSettings {
  /** WARM_ENI_TARGET; read only in secondary-IP mode without IP targets. */
  readonly warmEniTarget: number;
  /** WARM_IP_TARGET; 0 means unset. */
  readonly warmIpTarget: number;
  /** MINIMUM_IP_TARGET; 0 means unset. */
  readonly minimumIpTarget: number;
  /** WARM_PREFIX_TARGET; read only with prefix delegation and without IP targets. */
  readonly warmPrefixTarget: number;
  /** MAX_ENI; null when unset or below 1 (ipamd ignores it then). */
  readonly maxEni: number | null;
  readonly prefixDelegation: boolean;
  /** AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG */
  readonly customNetworking: boolean;
  /** ENABLE_POD_ENI */
  readonly podEni: boolean;
  /** IP_COOLDOWN_PERIOD in seconds. */
  readonly ipCooldownSeconds: number;
  /** ENABLE_SUBNET_DISCOVERY */
  readonly subnetDiscovery: boolean;
  /** AWS_MANAGE_ENIS_NON_SCHEDULABLE */
  readonly manageEnisNonSchedulable: boolean;
}

/** ipamd's own defaults when a variable is absent (ipamd.go, data_store.go; vpc-cni-ipam.md §3.1). */
export const IPAMD_CODE_DEFAULTS: VpcCniSettings = {
  warmEniTarget: 1,
  warmIpTarget: 0,
  minimumIpTarget: 0,
  warmPrefixTarget: 0,
  maxEni: null,
  prefixDelegation: false,
  customNetworking: false,
  podEni: false,
  ipCooldownSeconds: 30,
  subnetDiscovery: true,
  manageEnisNonSchedulable: false,
};

/** What the EKS add-on manifest and Helm chart set: WARM_ENI_TARGET=1 and WARM_PREFIX_TARGET=1 (aws-k8s-cni.yaml 283-286). */
export const EKS_MANIFEST_DEFAULTS: VpcCniSettings = { ...IPAMD_CODE_DEFAULTS, warmPrefixTarget: 1 };

/**
 * An aws-node env read from a running cluster, with the variables whose ipamd default differs from the
 * EKS manifest's spelled out at ipamd's default. The manifest writes WARM_PREFIX_TARGET=1 into the
 * DaemonSet, so a DaemonSet without it had it removed, and ipamd then uses its code default 0 (§3.1).
 * Parsing the result over EKS_MANIFEST_DEFAULTS gives what ipamd runs with.
 */
export function withIpamdDefaults(env: Readonly<Record<string, string>>): Record<string, string> {
  return env.WARM_PREFIX_TARGET === undefined
    ? { ...env, WARM_PREFIX_TARGET: String(IPAMD_CODE_DEFAULTS.warmPrefixTarget) }
    : { ...env };
}

/** A value ipamd could not use as written, and what it did instead. */
export interface SettingIssue {
  readonly name: string;
  readonly value: string;
  readonly expected: string;
  readonly effect: string;
}

export interface ParsedSettings {
  readonly settings: VpcCniSettings;
  readonly issues: readonly SettingIssue[];
  /** Variables podcap does not model; kept so a report can say so. */
  readonly ignored: readonly string[];
}

/** The aws-node variables this model reads; others are kept as not modelled. */
export const MODELLED_VARIABLES: readonly string[] = [
  'WARM_ENI_TARGET',
  'WARM_IP_TARGET',
  'MINIMUM_IP_TARGET',
  'WARM_PREFIX_TARGET',
  'MAX_ENI',
  'ENABLE_PREFIX_DELEGATION',
  'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG',
  'ENABLE_POD_ENI',
  'IP_COOLDOWN_PERIOD',
  'ENABLE_SUBNET_DISCOVERY',
  'AWS_MANAGE_ENIS_NON_SCHEDULABLE',
];

const KNOWN = new Set(MODELLED_VARIABLES);

/** Go's strconv.Atoi: optional sign, decimal digits. */
function goInteger(text: string): number | null {
  return /^[+-]?\d+$/.test(text) ? Number(text) : null;
}

/** Go's strconv.ParseBool. */
function goBoolean(text: string): boolean | null {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return null;
}

/**
 * Reads aws-node environment variables as ipamd does: a target that is negative or does not parse
 * falls back (WARM_ENI_TARGET to 1, the others to 0); MAX_ENI below 1 is ignored; a boolean that does
 * not parse keeps its default. Each fallback is reported as an issue.
 */
export function parseVpcCniEnv(
  env: Readonly<Record<string, string>>,
  base: VpcCniSettings = IPAMD_CODE_DEFAULTS,
): ParsedSettings {
  const issues: SettingIssue[] = [];
  const ignored = Object.keys(env).filter((name) => !KNOWN.has(name));

  const target = (name: string, fallback: number, current: number): number => {
    const raw = env[name];
    if (raw === undefined) return current;
    const value = goInteger(raw.trim());
    if (value === null || value < 0) {
      issues.push({ name, value: raw, expected: 'a whole number, 0 or more', effect: `ipamd uses ${fallback}` });
      return fallback;
    }
    return value;
  };
  const flag = (name: string, current: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined) return current;
    const value = goBoolean(raw.trim());
    if (value === null) {
      issues.push({ name, value: raw, expected: 'true or false', effect: `ipamd keeps ${current}` });
      return current;
    }
    return value;
  };

  let maxEni = base.maxEni;
  const rawMaxEni = env.MAX_ENI;
  if (rawMaxEni !== undefined) {
    const value = goInteger(rawMaxEni.trim());
    if (value === null || value < 1) {
      issues.push({
        name: 'MAX_ENI',
        value: rawMaxEni,
        expected: 'a whole number, 1 or more',
        effect: "ipamd uses the instance type's limit",
      });
      maxEni = null;
    } else {
      maxEni = value;
    }
  }

  let ipCooldownSeconds = base.ipCooldownSeconds;
  const rawCooldown = env.IP_COOLDOWN_PERIOD;
  if (rawCooldown !== undefined) {
    const value = goInteger(rawCooldown.trim());
    if (value === null || value < 0) {
      issues.push({
        name: 'IP_COOLDOWN_PERIOD',
        value: rawCooldown,
        expected: 'seconds, 0 or more',
        effect: 'ipamd uses 30',
      });
      ipCooldownSeconds = 30;
    } else {
      ipCooldownSeconds = value;
    }
  }

  return {
    settings: {
      warmEniTarget: target('WARM_ENI_TARGET', 1, base.warmEniTarget),
      warmIpTarget: target('WARM_IP_TARGET', 0, base.warmIpTarget),
      minimumIpTarget: target('MINIMUM_IP_TARGET', 0, base.minimumIpTarget),
      warmPrefixTarget: target('WARM_PREFIX_TARGET', 0, base.warmPrefixTarget),
      maxEni,
      prefixDelegation: flag('ENABLE_PREFIX_DELEGATION', base.prefixDelegation),
      customNetworking: flag('AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG', base.customNetworking),
      podEni: flag('ENABLE_POD_ENI', base.podEni),
      ipCooldownSeconds,
      subnetDiscovery: flag('ENABLE_SUBNET_DISCOVERY', base.subnetDiscovery),
      manageEnisNonSchedulable: flag('AWS_MANAGE_ENIS_NON_SCHEDULABLE', base.manageEnisNonSchedulable),
    },
    issues,
    ignored,
  };
}

/** WARM_IP_TARGET or MINIMUM_IP_TARGET set: they override WARM_ENI_TARGET and WARM_PREFIX_TARGET (ipamd.go 1941-1943). */
export function ipTargetsDefined(settings: VpcCniSettings): boolean {
  return settings.warmIpTarget !== 0 || settings.minimumIpTarget !== 0;
}
