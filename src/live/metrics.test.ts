import { describe, expect, it } from 'vitest';
import { DOCTOR_RESULT } from '../../test/fixtures/live/doctor-result.js';
import type { DoctorResult } from '../doctor/doctor-result.js';
import { createMetrics, METRIC_NAMES, recordRefresh, updateMetrics } from './metrics.js';

async function lines(result: DoctorResult): Promise<string[]> {
  const metrics = createMetrics();
  updateMetrics(metrics, result);
  return (await metrics.registry.metrics()).split('\n');
}

describe('updateMetrics', () => {
  it('writes one subnet as these lines', async () => {
    const text = await lines(DOCTOR_RESULT);
    const subnet = text.filter((line) => line.includes('subnet="subnet-0a11b22c33d44e501"'));
    expect(subnet).toEqual([
      'podcap_subnet_usable_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24"} 251',
      'podcap_subnet_free_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24"} 203',
      'podcap_subnet_used_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24",use="nodes"} 1',
      'podcap_subnet_used_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24",use="enis"} 1',
      'podcap_subnet_used_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24",use="pods"} 2',
      'podcap_subnet_used_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24",use="warm"} 14',
      'podcap_subnet_used_addresses{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a",cidr="10.0.11.0/24",use="other"} 30',
      'podcap_subnet_pods_until_exhaustion{subnet="subnet-0a11b22c33d44e501",zone="us-west-2a"} 187',
    ]);
  });

  it('leaves the forecast out when it is unknown, and gives prefix delegation its own', async () => {
    const text = await lines(DOCTOR_RESULT);
    const subnet = text.filter(
      (line) => line.includes('subnet="subnet-0a11b22c33d44e509"') && line.startsWith('podcap_subnet_pods'),
    );
    expect(subnet).toEqual([
      'podcap_subnet_pods_until_prefix_failure{subnet="subnet-0a11b22c33d44e509",zone="us-west-2b"} 2900',
    ]);
    expect(text).toContain(
      'podcap_subnet_pods_until_exhaustion{subnet="subnet-0a11b22c33d44e503",zone="us-west-2c"} 0',
    );
  });

  it('writes one node as these lines', async () => {
    const text = await lines(DOCTOR_RESULT);
    expect(text.filter((line) => line.includes('node="ip-10-0-13-67.us-west-2.compute.internal"'))).toEqual([
      'podcap_node_pod_ips{node="ip-10-0-13-67.us-west-2.compute.internal",instance_type="m8g.large"} 27',
      'podcap_node_pods_admitted{node="ip-10-0-13-67.us-west-2.compute.internal",instance_type="m8g.large"} 29',
      'podcap_node_pods_needing_ip{node="ip-10-0-13-67.us-west-2.compute.internal",instance_type="m8g.large"} 30',
      'podcap_node_pod_ips_free{node="ip-10-0-13-67.us-west-2.compute.internal",instance_type="m8g.large"} 0',
      'podcap_node_host_network_pods{node="ip-10-0-13-67.us-west-2.compute.internal",instance_type="m8g.large"} 2',
    ]);
    expect(text.filter((line) => line.includes('node="ip-10-0-14-2.us-west-2.compute.internal"'))).toEqual([
      'podcap_node_pods_admitted{node="ip-10-0-14-2.us-west-2.compute.internal",instance_type=""} 110',
      'podcap_node_pods_needing_ip{node="ip-10-0-14-2.us-west-2.compute.internal",instance_type=""} 4',
      'podcap_node_host_network_pods{node="ip-10-0-14-2.us-west-2.compute.internal",instance_type=""} 3',
    ]);
  });

  it('writes vCPU quotas and their use by class, the quota only where one was read', async () => {
    const text = await lines(DOCTOR_RESULT);
    expect(text.filter((line) => /^podcap_vcpu/.test(line))).toEqual([
      'podcap_vcpu_quota{capacity_type="on-demand",quota_class="standard"} 640',
      'podcap_vcpus_in_use{capacity_type="on-demand",quota_class="standard"} 4',
      'podcap_vcpus_in_use{capacity_type="spot",quota_class="g"} 8',
    ]);
  });

  it('counts findings by code and severity', async () => {
    const text = await lines(DOCTOR_RESULT);
    expect(text.filter((line) => line.startsWith('podcap_findings{'))).toEqual([
      'podcap_findings{code="SUBNET_EXHAUSTED",severity="error"} 1',
      'podcap_findings{code="PODS_STUCK_NO_IP",severity="error"} 2',
      'podcap_findings{code="INPUT_INCOMPLETE",severity="info"} 1',
    ]);
  });

  it('has help and a type for every metric, and nothing else', async () => {
    const text = await lines(DOCTOR_RESULT);
    const help = text.filter((line) => line.startsWith('# HELP ')).map((line) => line.split(' ')[2]);
    const types = text.filter((line) => line.startsWith('# TYPE ')).map((line) => line.split(' ').slice(2).join(' '));
    expect(help).toEqual(METRIC_NAMES);
    expect(types).toEqual(METRIC_NAMES.map((name) => `${name} ${name.endsWith('_total') ? 'counter' : 'gauge'}`));
    expect(METRIC_NAMES.every((name) => /^podcap_[a-z_]+$/.test(name))).toBe(true);
  });

  it('drops the series of subnets, nodes and findings that are gone', async () => {
    const metrics = createMetrics();
    updateMetrics(metrics, DOCTOR_RESULT);
    updateMetrics(metrics, { findings: [], subnets: [], nodes: [], quotas: null, countsByCode: {} });
    const text = await metrics.registry.metrics();
    expect(text).not.toMatch(/^podcap_(subnet|node|vcpu|findings)\S*\{/m);
  });
});

describe('recordRefresh', () => {
  it('sets the time of the last good refresh in seconds, the duration of the last one, and counts errors', async () => {
    const metrics = createMetrics();
    recordRefresh(metrics, { finishedAtMs: 1_748_856_000_250, durationMs: 1_500, ok: true });
    recordRefresh(metrics, { finishedAtMs: 1_748_856_060_000, durationMs: 250, ok: false });
    const text = (await metrics.registry.metrics()).split('\n');
    expect(text).toContain('podcap_last_refresh_timestamp_seconds 1748856000.25');
    expect(text).toContain('podcap_refresh_duration_seconds 0.25');
    expect(text).toContain('podcap_refresh_errors_total 1');
  });
});
