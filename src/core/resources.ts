/** CPU, memory and pods; CPU and memory are null when the catalog lacks the type's vCPU or memory. */
export interface NodeResources {
  readonly cpuMillis: number | null;
  readonly memoryBytes: number | null;
  readonly pods: number;
}

/** What is held back from capacity, each part on its own. */
export interface Reservations {
  readonly kubeReservedCpuMillis: number | null;
  readonly kubeReservedMemoryBytes: number;
  /** The pod count kube-reserved memory was computed from (11·pods+255 MiB); null when set by the user or absent. */
  readonly kubeReservedMemoryPods: number | null;
  readonly systemReservedCpuMillis: number;
  readonly systemReservedMemoryBytes: number;
  readonly evictionMemoryBytes: number | null;
}

/** `Allocatable = max(0, Capacity − kubeReserved − systemReserved − hard eviction)` (kubelet setters.go). */
export function allocatable(capacity: NodeResources, reserved: Reservations): NodeResources {
  return {
    cpuMillis:
      capacity.cpuMillis === null || reserved.kubeReservedCpuMillis === null
        ? null
        : Math.max(0, capacity.cpuMillis - reserved.kubeReservedCpuMillis - reserved.systemReservedCpuMillis),
    memoryBytes:
      capacity.memoryBytes === null || reserved.evictionMemoryBytes === null
        ? null
        : Math.max(
            0,
            capacity.memoryBytes -
              reserved.kubeReservedMemoryBytes -
              reserved.systemReservedMemoryBytes -
              reserved.evictionMemoryBytes,
          ),
    pods: capacity.pods,
  };
}
