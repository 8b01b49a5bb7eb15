/**
 * kube-reserved CPU tiers and memory (capacity-models.md §2.3 AL2 bootstrap.sh, §2.4 nodeadm,
 * §3 Bottlerocket, §5.3 Karpenter).
 */
import { describe, expect, it } from 'vitest';
import { Mi } from '../test-support/fixtures.js';
import { kubeReservedCpuMillis, kubeReservedMemoryBytes } from './kube-reserved.js';

describe('kubeReserved.cpu (§2.3 tiers: 6 % / 1 % / 0.5 % / 0.25 %)', () => {
  it.each([
    [0, 0], // Bottlerocket: 0 → 0 (§3)
    [1, 60],
    [2, 70],
    [3, 75],
    [4, 80],
    [8, 90],
    [72, 250], // c5.18xlarge (§6.1)
    [96, 310], // p4d.24xlarge (§6.1)
  ])('%i CPUs → %i m', (cpus, millicores) => {
    expect(kubeReservedCpuMillis(cpus)).toBe(millicores);
  });

  it('equals Bottlerocket’s closed form floor(80 + 2.5·(n − 4)) for 4 ≤ n ≤ 1024 (§3 brute-force check)', () => {
    const wrong: string[] = [];
    for (let n = 4; n <= 1024; n++) {
      const closedForm = Math.floor(80 + 2.5 * (n - 4));
      if (kubeReservedCpuMillis(n) !== closedForm) wrong.push(`${n}: ${kubeReservedCpuMillis(n)} ≠ ${closedForm}`);
    }
    expect(wrong).toEqual([]);
  });

  it('equals the AMI’s integer form 80 + floor((V − 4)·1000·25/10000) for V ≥ 4 (§2.3)', () => {
    for (let v = 4; v <= 1024; v++) {
      expect(kubeReservedCpuMillis(v)).toBe(80 + Math.floor(((v - 4) * 1000 * 25) / 10000));
    }
  });
});

describe('kubeReserved.memory = 11·pods + 255 MiB (§2.3, PR #419)', () => {
  it.each([
    [0, 255],
    [12, 387],
    [17, 442],
    [20, 475],
    [24, 519], // §5.6 t3.large, R=1, Bottlerocket
    [29, 574],
    [35, 640], // §5.6 t3.large, AL2/AL2023/Custom
    [58, 893],
    [60, 915], // nodeadm e2e max_pods + 2
    [110, 1465], // nodeadm's 110 fallback (§2.4)
    [250, 3005],
    [688, 7823],
    [737, 8362],
  ])('%i pods → %i Mi', (pods, mebibytes) => {
    expect(kubeReservedMemoryBytes(pods)).toBe(Mi(mebibytes));
  });
});
