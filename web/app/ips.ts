/**
 * The IP planner: `podcap ips` as a form. The answer is the object `podcap ips --json` prints, shown as
 * findings, per-node figures, the subnets, the alternatives and the recommendation.
 */

import { api, type IpsRequest, type IpsResponse } from './api-client.js';
import { field, h, severityBadge } from './dom.js';

type PerNode = IpsResponse['perNode'];

const FINDING_LABEL: Readonly<Record<string, string>> = { ok: 'ok', error: 'error', warning: 'warning', info: 'info' };

function lines(text: string): string[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function yesNo(value: boolean | null): string {
  return value === null ? '–' : value ? 'yes' : 'no';
}

function prefixLength(value: number | null): string {
  return value === null ? '>/16' : `/${value}`;
}

function envText(env: Readonly<Record<string, string>>): string {
  const pairs = Object.entries(env).map(([name, value]) => `${name}=${value}`);
  return pairs.length === 0 ? 'EKS defaults' : pairs.join(' ');
}

function tile(label: string, value: string | number, note = ''): HTMLElement {
  return h(
    'div',
    { class: 'tile' },
    h('div', { class: 'tile-value' }, String(value)),
    h('div', { class: 'tile-label' }, label),
    note ? h('div', { class: 'tile-note' }, note) : null,
  );
}

function perNodeTiles(perNode: PerNode): HTMLElement {
  const prefixMode = perNode.mode === 'prefix-delegation';
  return h(
    'div',
    { class: 'tiles' },
    tile('ENIs', perNode.enis, perNode.trunkEni ? 'incl. trunk ENI' : ''),
    prefixMode ? tile('/28 prefixes', perNode.prefixes) : tile('secondary IPs', perNode.secondaryIps),
    tile('pod IPs', perNode.podIps, `${perNode.warmIps} warm, ${perNode.heldForPods} held`),
    tile(
      'subnet addresses',
      perNode.addressesUsed,
      perNode.eniConfigSubnetAddresses > 0
        ? `${perNode.nodeSubnetAddresses} node + ${perNode.eniConfigSubnetAddresses} ENIConfig`
        : '',
    ),
    tile('maxPods', perNode.maxPods, perNode.maxPodsSource),
    tile('without IP', perNode.podsWithoutIp, 'per node'),
    tile('Pending', perNode.podsPending, 'per node'),
  );
}

function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  numeric: ReadonlySet<number>,
  testId: string,
  wrapped: ReadonlySet<number> = new Set(),
): HTMLElement {
  const element = h(
    'table',
    { class: 'data compact', 'data-testid': testId },
    h(
      'thead',
      {},
      h('tr', {}, ...headers.map((x, i) => h('th', { class: numeric.has(i) ? 'num' : '', scope: 'col' }, x))),
    ),
    h(
      'tbody',
      {},
      ...rows.map((cells) =>
        h(
          'tr',
          {},
          ...cells.map((c, i) => h('td', { class: numeric.has(i) ? 'num' : wrapped.has(i) ? 'wrap' : '' }, c)),
        ),
      ),
    ),
  );
  return h('div', { class: 'table-scroll' }, element);
}

export function renderIpsResult(plan: IpsResponse): Node[] {
  const nodes: Node[] = [];
  nodes.push(
    h(
      'p',
      { class: 'lead' },
      `${plan.nodes} nodes of ${plan.instanceType}, ${plan.podsPerNode} pods per node that need an IP (${plan.pods} pods); aws-node: ${envText(plan.env)}.`,
    ),
  );
  nodes.push(
    h(
      'ul',
      { class: 'findings', 'data-testid': 'ips-findings' },
      ...plan.findings.map((f) =>
        h(
          'li',
          { class: `finding finding-${f.severity}` },
          severityBadge(f.severity, FINDING_LABEL[f.severity]),
          h('span', {}, f.message),
        ),
      ),
    ),
  );
  nodes.push(
    h('h3', {}, `Per node (${plan.perNode.mode === 'prefix-delegation' ? 'prefix delegation' : 'secondary IPs'})`),
    perNodeTiles(plan.perNode),
  );
  if (plan.subnets !== null) {
    nodes.push(
      h('h3', {}, 'Subnets'),
      h(
        'p',
        { class: 'muted small' },
        `Nodes go round-robin; ${plan.subnets.used} addresses needed of ${plan.subnets.usable} usable, ` +
          (plan.subnets.free < 0 ? `${-plan.subnets.free} short.` : `${plan.subnets.free} free.`),
      ),
      table(
        ['subnet', 'role', 'usable', '/28 blocks', 'nodes', 'used', 'free', 'max nodes'],
        plan.subnets.list.map((s) => [
          s.cidr,
          s.role,
          String(s.usable),
          String(s.prefixBlocks),
          String(s.nodes),
          String(s.used),
          s.free < 0 ? `short ${-s.free}` : String(s.free),
          s.maxNodes === null ? '–' : String(s.maxNodes),
        ]),
        new Set([2, 3, 4, 5, 6, 7]),
        'ips-subnets',
      ),
    );
  }
  nodes.push(
    h('h3', {}, 'Alternatives'),
    h(
      'p',
      { class: 'muted small' },
      `Per node; "smallest subnet" holds ${plan.nodesWithHeadroom} nodes (${plan.headroomPercent} % headroom).`,
    ),
    table(
      [
        'setting',
        'variables',
        'ENIs',
        'prefixes',
        'addresses',
        'warm',
        'no IP',
        'Pending',
        'fits',
        'max nodes',
        'smallest subnet',
      ],
      plan.alternatives.map((a) => [
        a.name,
        envText(a.env),
        String(a.perNode.enis),
        a.perNode.mode === 'prefix-delegation' ? String(a.perNode.prefixes) : '–',
        a.perNode.eniConfigSubnetAddresses > 0
          ? `${a.perNode.nodeSubnetAddresses} + ${a.perNode.eniConfigSubnetAddresses}`
          : String(a.perNode.addressesUsed),
        String(a.perNode.warmIps),
        String(a.perNode.podsWithoutIp),
        String(a.perNode.podsPending),
        yesNo(a.fits),
        a.maxNodes === null ? '–' : String(a.maxNodes),
        'eniConfigSubnetPrefixLength' in a
          ? `${prefixLength(a.subnetPrefixLength)} + ${prefixLength(a.eniConfigSubnetPrefixLength ?? null)}`
          : prefixLength(a.subnetPrefixLength),
      ]),
      new Set([2, 3, 4, 5, 6, 7, 9]),
      'ips-alternatives',
      new Set([1]),
    ),
    ...plan.omittedAlternatives.map((o) => h('p', { class: 'muted small' }, `Not listed, ${o.name}: ${o.reason}`)),
  );
  const recommendation = plan.recommendation;
  nodes.push(
    h(
      'div',
      { class: 'callout', 'data-testid': 'ips-recommendation' },
      h('h3', {}, 'Recommendation'),
      recommendation === null
        ? h('p', {}, 'None.')
        : h(
            'div',
            {},
            h('p', {}, h('strong', {}, recommendation.name), `: ${envText(recommendation.env)}`),
            h(
              'p',
              {},
              `${recommendation.subnets} subnet${recommendation.subnets === 1 ? '' : 's'} of ${prefixLength(recommendation.subnetPrefixLength)} or larger` +
                ('eniConfigSubnets' in recommendation
                  ? `, ${recommendation.eniConfigSubnets} ENIConfig subnet(s) of ${prefixLength(recommendation.eniConfigSubnetPrefixLength ?? null)} or larger`
                  : '') +
                ` for ${recommendation.nodes} nodes.`,
            ),
            h('p', { class: 'muted' }, `Why: ${recommendation.reason}`),
          ),
    ),
  );
  return nodes;
}

export function mountIps(root: HTMLElement): void {
  const instanceType = h('input', {
    name: 'instanceType',
    type: 'text',
    value: 'm5.large',
    required: true,
    spellcheck: false,
  });
  const podsPerNode = h('input', { name: 'podsPerNode', type: 'number', min: 1, value: 20, required: true });
  const countKind = h(
    'select',
    { name: 'countKind' },
    h('option', { value: 'nodes' }, 'nodes'),
    h('option', { value: 'pods' }, 'pods in total'),
  );
  const count = h('input', { name: 'count', type: 'number', min: 1, value: 50, required: true });
  const env = h('textarea', {
    name: 'env',
    rows: 5,
    spellcheck: false,
    placeholder: 'WARM_IP_TARGET=2\nMINIMUM_IP_TARGET=30\nENABLE_PREFIX_DELEGATION=true',
  });
  const subnets = h('textarea', {
    name: 'subnets',
    rows: 4,
    spellcheck: false,
    placeholder: '10.0.0.0/22\neniconfig:100.64.0.0/20',
  });
  subnets.value = '10.0.0.0/22';
  const headroom = h('input', { name: 'headroom', type: 'number', min: 0, max: 1000, value: 20 });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Plan addresses');
  const formError = h('p', { class: 'error-text', 'data-testid': 'ips-error', role: 'alert', hidden: true });
  const result = h(
    'div',
    { class: 'result', 'data-testid': 'ips-result' },
    h('p', { class: 'muted' }, 'Fill in the form and plan.'),
  );
  const controls: Readonly<Record<string, HTMLElement>> = {
    instanceType,
    podsPerNode,
    nodes: count,
    pods: count,
    env,
    subnets,
    headroom,
  };

  const form = h(
    'form',
    { class: 'panel form', 'data-testid': 'ips-form', novalidate: true },
    field('Instance type', instanceType),
    field('Pods per node', podsPerNode, 'that need an IP (not hostNetwork)'),
    h('div', { class: 'field-row' }, field('Count', count), field('of', countKind)),
    field('aws-node env', env, 'NAME=VALUE, one per line, as in the DaemonSet'),
    field('Subnets', subnets, 'one CIDR per line; eniconfig:CIDR for an ENIConfig subnet'),
    field('Headroom %', headroom),
    submit,
    formError,
  );
  root.append(h('div', { class: 'split ips' }, form, result));

  const numberOrUndefined = (input: HTMLInputElement): number | undefined =>
    input.value.trim() === '' ? undefined : Number(input.value);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    for (const control of Object.values(controls)) control.classList.remove('invalid');
    formError.hidden = true;
    const total = numberOrUndefined(count);
    const headroomValue = numberOrUndefined(headroom);
    const request: IpsRequest = {
      instanceType: instanceType.value.trim(),
      podsPerNode: Number(podsPerNode.value),
      ...(total === undefined ? {} : countKind.value === 'nodes' ? { nodes: total } : { pods: total }),
      env: lines(env.value),
      subnets: lines(subnets.value),
      ...(headroomValue === undefined ? {} : { headroom: headroomValue }),
    };
    submit.disabled = true;
    const answer = await api.ips(request);
    submit.disabled = false;
    if (!answer.ok) {
      formError.textContent = answer.error.message;
      formError.hidden = false;
      const control = answer.error.field === undefined ? undefined : controls[answer.error.field.split('.')[0] ?? ''];
      control?.classList.add('invalid');
      control?.focus();
      return;
    }
    result.replaceChildren(...renderIpsResult(answer.value));
  });
  form.requestSubmit();
}
