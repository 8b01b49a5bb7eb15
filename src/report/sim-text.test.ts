import { describe, expect, it } from 'vitest';
import type { WorkloadSummary } from '../sim/result.js';
import { sampleSimResult } from '../test-support/sim-result.js';
import { renderSimulationText } from './sim-text.js';

function lines(text: string): string[] {
  return text.split('\n');
}

function expectWithin(text: string, width: number) {
  for (const line of lines(text)) expect(line.length, line).toBeLessThanOrEqual(width);
}

const web: WorkloadSummary = {
  kind: 'Deployment',
  namespace: 'default',
  name: 'web',
  desired: 120,
  running: 60,
  pending: 41,
  containerCreating: 19,
  reasons: { FailedCreatePodSandBox: 19, FailedScheduling: 41 },
  messages: {},
};

describe('renderSimulationText', () => {
  const text = renderSimulationText(sampleSimResult(), { events: false });

  it('names the run, then the findings before anything else', () => {
    const all = lines(text);
    expect(all[0]).toBe('Scenario node-group-outgrows-max-pods: 20m simulated, seed 1');
    expect(all[2]).toBe('Findings (3):');
    expect(all[3]).toMatch(/^ERROR PODS_STUCK_NO_IP at 11m: 14 of 120 pods of Deployment default\/web/);
    expect(text).toContain('\nERROR SUBNET_EXHAUSTED at 11m15s: Subnet subnet-a');
    expect(text).toContain('\nINFO OBSERVED_MEMORY_MISSING: Memory capacity');
    expect(text.indexOf('Findings')).toBeLessThan(text.indexOf('Pods at the end'));
  });

  it('wraps long findings within 100 columns, continuation lines indented', () => {
    expectWithin(text, 100);
    expect(all(text, /^ {4}\S/).length).toBeGreaterThan(0);
  });

  it('counts pods by phase and lists every workload with its main reason', () => {
    expect(text).toContain('Pods at the end: 132 total, 118 Running, 0 Pending, 14 ContainerCreating');
    expect(text).toContain('WORKLOAD                          DESIRED  RUNNING  PENDING  CREATING  WHY NOT RUNNING');
    expect(text).toContain('DaemonSet/kube-system/aws-node          5        5        0         0\n');
    expect(text).toContain(
      'Deployment/default/web                120      106        0        14  FailedCreatePodSandBox 14',
    );
  });

  it('the main reason is the one holding most pods; PENDING and CREATING give the split', () => {
    const out = renderSimulationText(sampleSimResult({ workloads: [web] }), { events: false });
    expect(out).toContain('Deployment/default/web      120       60       41        19  FailedScheduling 41\n');
  });

  it('nodes by type and by origin', () => {
    expect(text).toContain(
      'Nodes at the end: 5 (5 m5.large); launched during the run: 2\n  by origin: 5 nodeGroup/general',
    );
  });

  it('subnets: usable, used, free, the lowest free and when, idle in warm pools, when it ran dry', () => {
    expect(text).toContain(
      [
        'SUBNET    ZONE        CIDR         USABLE  USED  FREE  LOWEST FREE  IDLE IN POOLS  RAN DRY',
        'subnet-a  us-west-2a  10.0.0.0/25     123   120     3     3 @11m5s              0  11m15s',
      ].join('\n'),
    );
  });

  it('says so when nothing was found', () => {
    expect(renderSimulationText(sampleSimResult({ findings: [] }), { events: false })).toContain('\nFindings: none\n');
  });

  it('has no event log unless asked', () => {
    expect(text).not.toContain('Events');
    expect(text).not.toContain('Scaled to 120');
  });

  it('is deterministic: the same result gives the same text', () => {
    expect(renderSimulationText(sampleSimResult(), { events: true })).toBe(
      renderSimulationText(sampleSimResult(), { events: true }),
    );
  });

  it('with events: the kubectl get events columns, each message under its row when the line would be too long', () => {
    const out = renderSimulationText(sampleSimResult(), { events: true });
    expectWithin(out, 100);
    const log = out.slice(out.indexOf('Events (4):'));
    expect(lines(log).slice(0, 5)).toEqual([
      'Events (4):',
      'AT      TYPE     REASON                  OBJECT',
      '    MESSAGE',
      '5m      Normal   ScalingReplicaSet       deployment/web',
      '    Scaled to 120',
    ]);
    expect(log).toContain(
      [
        '11m15s  Warning  FailedCreatePodSandBox  pod/web-q2zwz789r7-8rwpf',
        '    Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for',
        '    sandbox: plugin type="aws-cni" name="aws-cni" failed (add): add cmd: failed to assign an IP',
        '    address to container',
      ].join('\n'),
    );
  });

  it('with events and room enough: one line an event, MESSAGE last', () => {
    const out = renderSimulationText(sampleSimResult(), { events: true, width: 300 });
    const log = lines(out.slice(out.indexOf('Events (4):')));
    expect(log[1]).toBe(
      'AT      TYPE     REASON                  OBJECT                                        MESSAGE',
    );
    expect(log[2]).toBe(
      '5m      Normal   ScalingReplicaSet       deployment/web                                Scaled to 120',
    );
    expect(log).toHaveLength(1 + 1 + 4 + 1);
  });

  it('with events the engine did not keep: says none were recorded', () => {
    const out = renderSimulationText(sampleSimResult({ events: null }), { events: true });
    expect(out.endsWith('\nEvents: none recorded\n')).toBe(true);
  });

  it('a workload name too long for the table: one block a workload, still within the width', () => {
    const long = { ...web, namespace: 'observability', name: 'prometheus-kube-state-metrics-exporter-canary' };
    const out = renderSimulationText(sampleSimResult({ workloads: [long] }), { events: false });
    expectWithin(out, 100);
    expect(out).toContain(
      [
        'Deployment/observability/prometheus-kube-state-metrics-exporter-canary',
        '    desired 120, running 60, pending 41, creating 19, why not running FailedScheduling 41',
      ].join('\n'),
    );
  });

  it('real subnet ids and millisecond times: one block a subnet when the table would be too wide', () => {
    const subnet = {
      id: 'subnet-0a1b2c3d4e5f67890',
      zone: 'us-west-2a',
      cidr: '100.64.128.0/17',
      usable: 32763,
      used: 4210,
      free: 28553,
      lowestFree: 28490,
      lowestFreeAtMs: 670_014,
      exhaustedAtMs: null,
      idleInWarmPools: 1310,
    };
    const out = renderSimulationText(sampleSimResult({ subnets: [subnet] }), { events: false });
    expectWithin(out, 100);
    expect(out).toContain(
      [
        'subnet-0a1b2c3d4e5f67890',
        '    zone us-west-2a, cidr 100.64.128.0/17, usable 32763, used 4210, free 28553, lowest free 28490',
        '    @11m10.014s, idle in pools 1310, ran dry -',
      ].join('\n'),
    );
  });

  it('keeps to a narrower width when given one that its names leave room for', () => {
    expectWithin(renderSimulationText(sampleSimResult(), { events: true, width: 88 }), 88);
  });
});

function all(text: string, pattern: RegExp): string[] {
  return lines(text).filter((line) => pattern.test(line));
}
