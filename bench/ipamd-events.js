// One ipamd driven through 100,000 pod add/delete events, 2.5 s apart, with its 5 s cycle in between, and the
// closed form for every catalog type under every setting. Prints events per second.
import {
  addPod,
  computeSteadyState,
  createSubnet,
  deletePod,
  EKS_MANIFEST_DEFAULTS,
  IPAMD_CYCLE_MS,
  launchNode,
  parseSubnetCidr,
  parseVpcCniEnv,
  readCatalogFile,
  tickIpamd,
} from '../dist/index.js';

const EVENTS = 100_000;
const catalog = readCatalogFile();
const m5xlarge = catalog.instanceTypes.find((t) => t.name === 'm5.xlarge');
const cidr = parseSubnetCidr('10.0.0.0/16');
if (!cidr.ok) throw new Error('cidr');
const created = createSubnet({ id: 'subnet-a', cidr: cidr.value, zone: 'us-east-1a' });
if (!created.ok) throw new Error('subnet');

function drive(env) {
  const settings = parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings;
  const config = {
    nodeName: 'bench',
    instanceType: m5xlarge,
    settings,
    maxPods: 58,
    zone: 'us-east-1a',
    nodeSubnetId: 'subnet-a',
    eniConfigSubnetId: null,
    cordoned: false,
  };
  const launched = launchNode(config, new Map([['subnet-a', created.subnet]]), 0);
  if (!launched.ok) throw new Error('launch');
  let { state, subnets } = launched.step;
  let nowMs = 0;
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const live = [];
  let next = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  for (let event = 0; event < EVENTS; event += 1) {
    nowMs += 2_500;
    if (nowMs % IPAMD_CYCLE_MS === 0) ({ state, subnets } = tickIpamd(state, subnets, nowMs));
    if (live.length < 20 || (live.length < 54 && random() < 0.5)) {
      const key = `p${next++}`;
      const step = addPod(state, subnets, key, nowMs);
      ({ state, subnets } = step);
      if (step.effects.some((e) => e.type === 'pod-ip-failed')) failed += 1;
      else live.push(key);
    } else {
      const key = live.splice(Math.floor(random() * live.length), 1)[0];
      ({ state, subnets } = deletePod(state, subnets, key, nowMs));
    }
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, failed };
}

const lines = [];
for (const [name, env] of [
  ['WARM_ENI_TARGET=1', {}],
  ['WARM_IP_TARGET=2 MINIMUM_IP_TARGET=10', { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '10' }],
  ['ENABLE_PREFIX_DELEGATION=true', { ENABLE_PREFIX_DELEGATION: 'true' }],
]) {
  drive(env);
  const { ms, failed } = drive(env);
  lines.push(
    `ipamd m5.xlarge ${name.padEnd(40)} ${EVENTS} events in ${ms.toFixed(0).padStart(5)} ms: ${Math.round((EVENTS / ms) * 1000).toLocaleString('en-US')} events/s (${failed} adds without an address)`,
  );
}

const settings = [
  {},
  { WARM_ENI_TARGET: '0' },
  { WARM_IP_TARGET: '2', MINIMUM_IP_TARGET: '10' },
  { MINIMUM_IP_TARGET: '10' },
  { ENABLE_PREFIX_DELEGATION: 'true' },
  { ENABLE_PREFIX_DELEGATION: 'true', WARM_IP_TARGET: '5' },
  { AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: 'true' },
  { ENABLE_POD_ENI: 'true' },
].map((env) => parseVpcCniEnv(env, EKS_MANIFEST_DEFAULTS).settings);
const sweep = () => {
  let n = 0;
  for (const instanceType of catalog.instanceTypes) {
    const maxPods = instanceType.maxEnis * (instanceType.ipv4PerEni - 1) + 2;
    for (const s of settings) {
      computeSteadyState({ instanceType, settings: s, maxPods, ipPods: Math.floor(maxPods / 2) });
      n += 1;
    }
  }
  return n;
};
sweep();
const start = process.hrtime.bigint();
const count = sweep();
const sweepMs = Number(process.hrtime.bigint() - start) / 1e6;
lines.push(
  `closed form: ${count} steady states (${catalog.instanceTypes.length} types x ${settings.length} settings) in ${sweepMs.toFixed(2)} ms (${((sweepMs * 1000) / count).toFixed(2)} us each)`,
);
process.stdout.write(`${lines.join('\n')}\n`);
