import { describe, expect, it } from 'vitest';
import { sampleSimResult } from '../test-support/sim-result.js';
import { simulationJson } from './sim-json.js';

type Json = Record<string, unknown>;

function json(events: boolean, result = sampleSimResult()): Json {
  // Through JSON text, as `podcap simulate --json` prints it.
  return JSON.parse(JSON.stringify(simulationJson(result, { events }))) as Json;
}

describe('simulationJson', () => {
  it('has the documented keys in the documented order', () => {
    const out = json(true);
    expect(Object.keys(out)).toEqual([
      'scenario',
      'duration',
      'seed',
      'pods',
      'workloads',
      'nodes',
      'costUsd',
      'subnets',
      'findings',
      'series',
      'events',
    ]);
    expect(Object.keys(out.pods as Json)).toEqual(['running', 'pending', 'containerCreating', 'total']);
    expect(Object.keys((out.workloads as Json[])[0] as Json)).toEqual([
      'kind',
      'namespace',
      'name',
      'desired',
      'running',
      'pending',
      'containerCreating',
      'reasons',
      'messages',
    ]);
    expect(Object.keys(out.nodes as Json)).toEqual(['launched', 'atEnd', 'byType', 'byGroup']);
    expect(Object.keys((out.subnets as Json[])[0] as Json)).toEqual([
      'id',
      'zone',
      'cidr',
      'usable',
      'used',
      'free',
      'lowestFree',
      'lowestFreeAt',
      'exhaustedAt',
      'idleInWarmPools',
    ]);
    expect(Object.keys((out.findings as Json[])[0] as Json)).toEqual(['code', 'severity', 'message', 'at']);
    expect(Object.keys((out.events as Json[])[0] as Json)).toEqual(['at', 'type', 'reason', 'object', 'message']);
  });

  it('gives the counts at the end and Go-style times', () => {
    const out = json(false);
    expect(out).toMatchObject({
      scenario: 'node-group-outgrows-max-pods',
      duration: '20m',
      seed: 1,
      pods: { running: 118, pending: 0, containerCreating: 14, total: 132 },
      nodes: { launched: 2, atEnd: 5, byType: { 'm5.large': 5 }, byGroup: { 'nodeGroup/general': 5 } },
    });
    expect((out.workloads as Json[])[3]).toEqual({
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
      desired: 120,
      running: 106,
      pending: 0,
      containerCreating: 14,
      reasons: { FailedCreatePodSandBox: 14 },
      messages: { 'failed to assign an IP address to container': 14 },
    });
    expect(out.subnets).toEqual([
      {
        id: 'subnet-a',
        zone: 'us-west-2a',
        cidr: '10.0.0.0/25',
        usable: 123,
        used: 120,
        free: 3,
        lowestFree: 3,
        lowestFreeAt: '11m5s',
        exhaustedAt: '11m15s',
        idleInWarmPools: 0,
      },
    ]);
    const findings = out.findings as Json[];
    expect(findings.map((f) => [f.code, f.severity, f.at])).toEqual([
      ['PODS_STUCK_NO_IP', 'error', '11m'],
      ['SUBNET_EXHAUSTED', 'error', '11m15s'],
      ['OBSERVED_MEMORY_MISSING', 'info', null],
    ]);
  });

  it('leaves the events out unless asked, and lists them when asked', () => {
    expect(json(false)).not.toHaveProperty('events');
    const events = json(true).events as Json[];
    expect(events).toHaveLength(4);
    expect(events[0]).toEqual({
      at: '5m',
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      object: 'deployment/web',
      message: 'Scaled to 120',
    });
    expect(events.map((e) => e.at)).toEqual(['5m', '5m', '10m20s', '11m15s']);
  });

  it('asked for events the engine did not keep: an empty list, not null', () => {
    expect(json(true, sampleSimResult({ events: null })).events).toEqual([]);
  });

  it('a subnet that never ran dry has exhaustedAt null; zero is 0s', () => {
    const [subnet] = sampleSimResult().subnets;
    if (subnet === undefined) throw new Error('sample has a subnet');
    const out = json(false, sampleSimResult({ subnets: [{ ...subnet, exhaustedAtMs: null, lowestFreeAtMs: 0 }] }));
    expect((out.subnets as Json[])[0]).toMatchObject({ lowestFreeAt: '0s', exhaustedAt: null });
  });

  it('an hour is 1h, as Go prints it', () => {
    expect(json(false, sampleSimResult({ durationMs: 3_600_000 })).duration).toBe('1h');
  });
});
