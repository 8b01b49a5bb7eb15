/** CPU architecture as EC2 and Kubernetes name it. */
export type Architecture = 'amd64' | 'arm64';

/** EC2's hypervisor field; bare-metal types report `unknown`. */
export type Hypervisor = 'nitro' | 'xen' | 'unknown';

/** The facts that some catalog rows lack (newer types): a command that needs them must say so. */
export interface Hardware {
  readonly vcpu: number;
  readonly memoryMib: number;
  readonly architecture: Architecture;
}

/** Security groups for pods: whether the type can carry a trunk ENI, and how many branch ENIs it takes. */
export interface Trunking {
  readonly compatible: boolean;
  readonly branchEnis: number;
}

/** One EC2 instance type, as far as pod capacity is concerned. */
export interface InstanceType {
  readonly name: string;
  readonly family: string;
  readonly hardware: Hardware | null;
  readonly gpus: number | null;
  readonly hypervisor: Hypervisor | null;
  readonly bareMetal: boolean;
  /** MaximumNetworkInterfaces of the default network card: what the CNI, the AMIs and Karpenter count. */
  readonly maxEnis: number;
  readonly ipv4PerEni: number;
  readonly networkCards: number;
  /** null where no source lists the type (the resource controller and Karpenter's table both lack it). */
  readonly trunking: Trunking | null;
  /** us-east-1 on-demand Linux price; null where no source has it. */
  readonly onDemandUsdPerHour: number | null;
}

/**
 * Prefix delegation needs a Nitro instance or bare metal; ipamd silently falls back to secondary IPs
 * elsewhere (amazon-vpc-cni-k8s pkg/awsutils/awsutils.go IsPrefixDelegationSupported; research vpc-cni-ipam.md §4.1).
 */
export function supportsPrefixDelegation(type: InstanceType): boolean {
  return type.hypervisor === 'nitro' || type.bareMetal;
}

/** Branch-ENI capacity the VPC resource controller advertises as `vpc.amazonaws.com/pod-eni`. */
export function branchEniCapacity(type: InstanceType): number {
  return type.trunking?.compatible === true ? type.trunking.branchEnis : 0;
}

/** ENABLE_POD_ENI asks for a trunk ENI, which only a trunking-compatible type gets (vpc-cni-ipam.md §6). */
export function wantsTrunkEni(type: InstanceType, podEni: boolean): boolean {
  return podEni && branchEniCapacity(type) > 0;
}
