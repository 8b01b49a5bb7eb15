/**
 * The instance-type explorer: every catalog type under the chosen AMI, launcher, CNI and Karpenter
 * settings, sortable and filterable, with a detail panel of every reservation behind one type.
 */

import {
  type ApiResult,
  api,
  type CatalogResponse,
  type ExplorerRow,
  type ExplorerSettings,
  type NodeDetail,
} from './api-client.js';
import { debounce, field, h, severityBadge } from './dom.js';

type SortKey =
  | 'type'
  | 'vcpu'
  | 'memoryMib'
  | 'maxPods'
  | 'podIps'
  | 'allocatableCpuMillis'
  | 'allocatableMemoryBytes'
  | 'karpenterAllocatableMemoryBytes'
  | 'mismatches';

interface Column {
  readonly key: SortKey;
  readonly label: string;
  readonly title: string;
  readonly numeric: boolean;
  readonly cell: (row: ExplorerRow) => Node | string;
}

const DEFAULT_SETTINGS: ExplorerSettings = {
  ami: 'al2023',
  launchedBy: 'karpenter',
  cni: 'secondary-ip',
  podEni: false,
  reservedEnis: 0,
  // Empty: the server's default, the latest release podcap knows; the box shows it once answered.
  karpenterVersion: '',
};

const CNI_LABELS: Readonly<Record<ExplorerSettings['cni'], string>> = {
  'secondary-ip': 'secondary IPs',
  'prefix-delegation': 'prefix delegation',
  'custom-networking': 'custom networking',
  'prefix-delegation+custom-networking': 'prefix delegation + custom networking',
};

/** Releases where what Karpenter computes changed, for the version box's suggestions. */
const KARPENTER_VERSIONS = ['0.37.0', '1.0.0', '1.1.0', '1.5.1', '1.5.2', '1.11.0', '1.14.1'];

const dash = (value: string | number | null): string => (value === null ? '–' : String(value));

function gib(mib: number | null): string {
  if (mib === null) return '–';
  const value = mib / 1024;
  return `${Number.isInteger(value) ? value : value.toFixed(value < 10 ? 2 : 1)} GiB`;
}

/** error before warning before info: the worst mismatch decides a row's colour. */
const SEVERITY_RANK: Readonly<Record<string, number>> = { error: 3, warning: 2, info: 1 };

function worstSeverity(row: ExplorerRow): string | null {
  let worst: string | null = null;
  for (const m of row.mismatches)
    if ((SEVERITY_RANK[m.severity] ?? 0) > (worst === null ? 0 : (SEVERITY_RANK[worst] ?? 0))) worst = m.severity;
  return worst;
}

/** Errors and warnings by code; info notes (most rows have one) only counted, named in the tooltip. */
function mismatchCell(row: ExplorerRow): Node | string {
  if (row.mismatches.length === 0) return '';
  const wrap = h('span', { class: 'codes' });
  const info = row.mismatches.filter((m) => m.severity === 'info');
  for (const m of row.mismatches) {
    if (m.severity !== 'info') wrap.append(h('span', { class: `code code-${m.severity}`, title: m.severity }, m.code));
  }
  if (info.length > 0) {
    wrap.append(
      h('span', { class: 'code code-info', title: info.map((m) => m.code).join('\n') }, `${info.length} info`),
    );
  }
  return wrap;
}

const COLUMNS: readonly Column[] = [
  { key: 'type', label: 'Type', title: 'EC2 instance type', numeric: false, cell: (r) => r.type },
  { key: 'vcpu', label: 'vCPU', title: 'vCPUs (EC2 DefaultVCpus)', numeric: true, cell: (r) => dash(r.vcpu) },
  { key: 'memoryMib', label: 'Memory', title: 'EC2 memory', numeric: true, cell: (r) => gib(r.memoryMib) },
  {
    key: 'maxPods',
    label: 'maxPods',
    title: 'kubelet maxPods on the node',
    numeric: true,
    cell: (r) => dash(r.maxPods),
  },
  {
    key: 'podIps',
    label: 'Pod IPs',
    title: 'addresses the VPC CNI can give pods',
    numeric: true,
    cell: (r) => String(r.podIps),
  },
  {
    key: 'allocatableCpuMillis',
    label: 'Alloc. CPU',
    title: 'allocatable CPU as the node reports it',
    numeric: true,
    cell: (r) => dash(r.allocatableCpu),
  },
  {
    key: 'allocatableMemoryBytes',
    label: 'Alloc. mem (node)',
    title: 'allocatable memory as the kubelet reports it',
    numeric: true,
    cell: (r) => dash(r.allocatableMemory),
  },
  {
    key: 'karpenterAllocatableMemoryBytes',
    label: 'Alloc. mem (Karpenter)',
    title: 'allocatable memory as Karpenter believes it before launch',
    numeric: true,
    cell: (r) => dash(r.karpenterAllocatableMemory),
  },
  {
    key: 'mismatches',
    label: 'Mismatches',
    title: 'where the AMI, the CNI and Karpenter disagree',
    numeric: false,
    cell: mismatchCell,
  },
];

function sortValue(row: ExplorerRow, key: SortKey): number | string | null {
  switch (key) {
    case 'type':
      return row.type;
    case 'mismatches':
      return (SEVERITY_RANK[worstSeverity(row) ?? ''] ?? 0) * 100 + row.mismatches.length;
    default:
      return row[key];
  }
}

/** Instance types sort as people read them: family, then size by vCPU, then name. */
function compareRows(a: ExplorerRow, b: ExplorerRow, key: SortKey, direction: 1 | -1): number {
  const x = sortValue(a, key);
  const y = sortValue(b, key);
  // Unknown values go last whichever way the column is sorted.
  if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1;
  const primary =
    typeof x === 'string' && typeof y === 'string'
      ? key === 'type'
        ? a.family.localeCompare(b.family) || (a.vcpu ?? 0) - (b.vcpu ?? 0) || x.localeCompare(y)
        : x.localeCompare(y)
      : (x as number) - (y as number);
  return primary * direction || a.type.localeCompare(b.type);
}

function select<T extends string>(testId: string, values: readonly T[], labels: (v: T) => string, value: T) {
  const element = h('select', { 'data-testid': testId });
  for (const v of values) element.append(h('option', { value: v, selected: v === value }, labels(v)));
  return element;
}

export function mountExplorer(root: HTMLElement): void {
  let settings: ExplorerSettings = { ...DEFAULT_SETTINGS };
  let rows: readonly ExplorerRow[] = [];
  let rowElements = new Map<string, HTMLTableRowElement>();
  let sortKey: SortKey = 'type';
  let direction: 1 | -1 = 1;
  let selected: string | null = null;
  let request = 0;

  const ami = select('setting-ami', ['al2023', 'al2', 'bottlerocket'] as const, (v) => v, settings.ami as 'al2023');
  const launchedBy = select(
    'setting-launched-by',
    ['karpenter', 'node-group'] as const,
    (v) => (v === 'karpenter' ? 'Karpenter' : 'managed node group'),
    settings.launchedBy,
  );
  const cni = select(
    'setting-cni',
    ['secondary-ip', 'prefix-delegation', 'custom-networking', 'prefix-delegation+custom-networking'] as const,
    (v) => CNI_LABELS[v],
    settings.cni,
  );
  const podEni = h('input', { type: 'checkbox', 'data-testid': 'setting-pod-eni' });
  const reservedEnis = h('input', {
    type: 'number',
    min: 0,
    max: 32,
    step: 1,
    value: settings.reservedEnis,
    'data-testid': 'setting-reserved-enis',
    class: 'narrow',
  });
  const karpenterVersion = h('input', {
    type: 'text',
    value: settings.karpenterVersion,
    list: 'karpenter-versions',
    spellcheck: false,
    'data-testid': 'setting-karpenter-version',
    class: 'narrow',
  });
  const versions = h('datalist', { id: 'karpenter-versions' });
  for (const v of KARPENTER_VERSIONS) versions.append(h('option', { value: v }));
  const filter = h('input', {
    type: 'search',
    placeholder: 'Filter: m5, m8g.large, c7…',
    'data-testid': 'explorer-filter',
    'aria-label': 'Filter instance types',
  });
  const onlyMismatches = h('input', { type: 'checkbox', 'data-testid': 'explorer-only-mismatches' });
  const status = h('p', { class: 'status', 'data-testid': 'explorer-status', role: 'status' }, 'Loading the catalog…');
  const assumed = h('p', { class: 'muted small' });

  const headRow = h('tr');
  const headCells = new Map<SortKey, HTMLTableCellElement>();
  for (const column of COLUMNS) {
    const button = h(
      'button',
      { type: 'button', class: 'sort', title: `${column.title}; click to sort` },
      column.label,
    );
    button.addEventListener('click', () => {
      direction =
        sortKey === column.key ? (direction === 1 ? -1 : 1) : column.numeric || column.key === 'mismatches' ? -1 : 1;
      sortKey = column.key;
      applyOrder();
    });
    const th = h('th', { class: column.numeric ? 'num' : '', 'data-key': column.key, scope: 'col' }, button);
    headCells.set(column.key, th);
    headRow.append(th);
  }
  const tbody = h('tbody');
  const table = h('table', { class: 'data explorer', 'data-testid': 'explorer-table' }, h('thead', {}, headRow), tbody);
  const detail = h(
    'aside',
    { class: 'detail', 'data-testid': 'explorer-detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Click a type to see every reservation behind its numbers.'),
  );

  root.append(
    h(
      'div',
      { class: 'toolbar' },
      field('AMI family', ami),
      field('Launched by', launchedBy),
      field('VPC CNI', cni),
      h('label', { class: 'field check' }, podEni, h('span', {}, 'Pod ENI (security groups for pods)')),
      field('RESERVED_ENIS', reservedEnis),
      field('Karpenter version', karpenterVersion),
      versions,
    ),
    h(
      'div',
      { class: 'toolbar secondary' },
      filter,
      h('label', { class: 'check' }, onlyMismatches, h('span', {}, 'only types with warnings or errors')),
      status,
    ),
    h('div', { class: 'split' }, h('div', { class: 'table-wrap' }, table), detail),
    assumed,
  );

  function readSettings(): ExplorerSettings | string {
    const enis = Number(reservedEnis.value);
    if (!/^\d+$/.test(reservedEnis.value) || enis > 32) return 'RESERVED_ENIS: expected a whole number from 0 to 32';
    const version = karpenterVersion.value.trim();
    if (version !== '' && !/^v?\d{1,3}\.\d{1,3}\.\d{1,4}$/.test(version)) {
      return 'Karpenter version: expected one such as 1.5.1';
    }
    return {
      ami: ami.value as ExplorerSettings['ami'],
      launchedBy: launchedBy.value as ExplorerSettings['launchedBy'],
      cni: cni.value as ExplorerSettings['cni'],
      podEni: podEni.checked,
      reservedEnis: enis,
      karpenterVersion: version,
    };
  }

  function buildRow(row: ExplorerRow): HTMLTableRowElement {
    const severity = worstSeverity(row);
    const tr = h('tr', {
      'data-type': row.type,
      class: severity === 'error' || severity === 'warning' ? `flag-${severity}` : '',
      tabindex: 0,
    });
    for (const column of COLUMNS) tr.append(h('td', { class: column.numeric ? 'num' : '' }, column.cell(row)));
    tr.addEventListener('click', () => void openDetail(row.type));
    tr.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        void openDetail(row.type);
      }
    });
    return tr;
  }

  function applyOrder(): void {
    for (const [key, th] of headCells) {
      th.setAttribute('aria-sort', key === sortKey ? (direction === 1 ? 'ascending' : 'descending') : 'none');
    }
    const sorted = [...rows].sort((a, b) => compareRows(a, b, sortKey, direction));
    tbody.append(...sorted.flatMap((row) => rowElements.get(row.type) ?? []));
    applyFilter();
  }

  function applyFilter(): void {
    const words = filter.value
      .trim()
      .toLowerCase()
      .split(/\s+/)
      .filter((w) => w !== '');
    let shown = 0;
    for (const row of rows) {
      const element = rowElements.get(row.type);
      if (element === undefined) continue;
      const text = `${row.type} ${row.family}`;
      const severity = worstSeverity(row);
      const visible =
        words.every((w) => text.includes(w)) &&
        (!onlyMismatches.checked || severity === 'error' || severity === 'warning');
      element.hidden = !visible;
      if (visible) shown += 1;
    }
    const flagged = rows.filter((r) => ['error', 'warning'].includes(worstSeverity(r) ?? '')).length;
    status.textContent = `${shown} of ${rows.length} types shown · ${flagged} with warnings or errors`;
  }

  function showRows(response: CatalogResponse): void {
    settings = response.settings;
    if (karpenterVersion.value.trim() === '') karpenterVersion.value = settings.karpenterVersion;
    rows = response.rows;
    rowElements = new Map(rows.map((row) => [row.type, buildRow(row)]));
    tbody.replaceChildren();
    applyOrder();
    assumed.textContent =
      response.assumed.length === 0
        ? ''
        : `Everything not set above takes a current EKS default: ${response.assumed.join(', ')}.`;
    if (selected !== null) {
      rowElements.get(selected)?.classList.add('selected');
      void openDetail(selected);
    }
  }

  async function reload(): Promise<void> {
    const read = readSettings();
    if (typeof read === 'string') {
      status.textContent = read;
      status.classList.add('error-text');
      return;
    }
    status.classList.remove('error-text');
    settings = read;
    const mine = ++request;
    status.textContent = 'Computing…';
    const result = await api.catalog(settings);
    if (mine !== request) return;
    if (!result.ok) {
      status.textContent = result.error.message;
      status.classList.add('error-text');
      return;
    }
    showRows(result.value);
  }

  async function openDetail(type: string): Promise<void> {
    selected = type;
    for (const [name, element] of rowElements) element.classList.toggle('selected', name === type);
    const result: ApiResult<{ detail: NodeDetail }> = await api.detail(type, settings);
    if (selected !== type) return;
    detail.replaceChildren(
      ...(result.ok ? renderDetail(result.value.detail) : [h('p', { class: 'error-text' }, result.error.message)]),
    );
  }

  const reloadSoon = debounce(() => void reload(), 250);
  for (const control of [ami, launchedBy, cni, podEni]) control.addEventListener('change', () => void reload());
  for (const control of [reservedEnis, karpenterVersion]) control.addEventListener('input', reloadSoon);
  filter.addEventListener('input', applyFilter);
  onlyMismatches.addEventListener('change', applyFilter);
  void reload();
}

// ---------------------------------------------------------------------------------------------------
// The detail panel

type Quantities = { readonly cpu: string | null; readonly memory: string | null; readonly pods: string };
type Reserved = NonNullable<Extract<NodeDetail['node'], { status: 'ready' }>['reserved']>;

function keyValues(pairs: readonly (readonly [string, string | number | boolean | null])[]): HTMLElement {
  const list = h('dl', { class: 'kv' });
  for (const [key, value] of pairs) {
    list.append(
      h('dt', {}, key),
      h('dd', {}, value === null ? '–' : typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)),
    );
  }
  return list;
}

function grid(
  headers: readonly string[],
  body: readonly (readonly (string | null)[])[],
  testId?: string,
): HTMLTableElement {
  return h(
    'table',
    { class: 'data compact', 'data-testid': testId },
    h('thead', {}, h('tr', {}, ...headers.map((x, i) => h('th', { class: i === 0 ? '' : 'num', scope: 'col' }, x)))),
    h(
      'tbody',
      {},
      ...body.map((cells) =>
        h(
          'tr',
          {},
          ...cells.map((c, i) =>
            h(i === 0 ? 'th' : 'td', { class: i === 0 ? '' : 'num', scope: i === 0 ? 'row' : null }, c ?? '–'),
          ),
        ),
      ),
    ),
  );
}

function reservationRows(node: Reserved | null, karpenter: Reserved): (string | null)[][] {
  return [
    ['kube-reserved CPU', node?.kubeReserved.cpu ?? null, karpenter.kubeReserved.cpu],
    [
      'kube-reserved memory',
      node === null
        ? null
        : `${node.kubeReserved.memory}${node.kubeReserved.memoryForPods === null ? '' : ` (${node.kubeReserved.memoryForPods} pods)`}`,
      `${karpenter.kubeReserved.memory}${karpenter.kubeReserved.memoryForPods === null ? '' : ` (${karpenter.kubeReserved.memoryForPods} pods)`}`,
    ],
    ['system-reserved CPU', node?.systemReserved.cpu ?? null, karpenter.systemReserved.cpu],
    ['system-reserved memory', node?.systemReserved.memory ?? null, karpenter.systemReserved.memory],
    ['eviction (memory.available)', node?.evictionHard.memory ?? null, karpenter.evictionHard.memory],
  ];
}

function resourceRow(label: string, quantities: Quantities | null): (string | null)[] {
  return [label, quantities?.cpu ?? null, quantities?.memory ?? null, quantities?.pods ?? null];
}

export function renderDetail(detail: NodeDetail): Node[] {
  const { node, karpenter, hardware } = detail;
  const ready = node.status === 'ready' ? node : null;
  const title = h(
    'header',
    { class: 'detail-head' },
    h('h2', {}, detail.instanceType),
    h(
      'p',
      { class: 'muted' },
      hardware === null
        ? 'vCPU and memory unknown to the catalog'
        : `${hardware.vcpu} vCPU · ${hardware.memoryMib} MiB · ${hardware.architecture}`,
    ),
  );
  const mismatches =
    detail.mismatches.length === 0
      ? h('p', { class: 'ok-text' }, 'None: the AMI, the VPC CNI and Karpenter agree on this node.')
      : h(
          'ul',
          { class: 'mismatches', 'data-testid': 'detail-mismatches' },
          ...detail.mismatches.map((m) =>
            h(
              'li',
              { class: `mismatch mismatch-${m.severity}`, 'data-code': m.code },
              severityBadge(m.severity),
              h('code', {}, m.code),
              h('p', {}, m.message),
            ),
          ),
        );
  const failed =
    node.status === 'bootstrap-failed'
      ? h('p', { class: 'error-text' }, `The node does not come up: ${node.reason}`)
      : null;
  const parts: (Node | null)[] = [
    title,
    failed,
    h('section', {}, h('h3', {}, 'Mismatches'), mismatches),
    h(
      'section',
      {},
      h('h3', {}, 'Pods and network'),
      keyValues([
        ['maxPods (node)', ready === null ? null : `${ready.maxPods} (${ready.maxPodsSource})`],
        ["maxPods (AMI's own)", ready?.amiMaxPods ?? null],
        ['maxPods (Karpenter)', `${karpenter.maxPods} (${karpenter.maxPodsSource})`],
        ['pod IPs', node.podIps],
        ['ENIs', node.enis],
        ['ENIs for pods', node.podEnis],
        ['prefix delegation', node.prefixDelegation],
        ['trunk ENI', node.trunkEni],
        ['pod-ENI (node)', node.podEni],
        ['pod-ENI (Karpenter)', karpenter.podEni],
      ]),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Capacity and allocatable'),
      grid(
        ['', 'CPU', 'memory', 'pods'],
        [
          resourceRow('capacity (node)', ready?.capacity ?? null),
          resourceRow('allocatable (node)', ready?.allocatable ?? null),
          resourceRow('capacity (Karpenter)', karpenter.capacity),
          resourceRow('allocatable (Karpenter)', karpenter.allocatable),
        ],
        'detail-allocatable',
      ),
      h(
        'p',
        { class: 'muted small' },
        `Node memory: ${ready?.memorySource ?? 'n/a'}. Karpenter's capacity cache: ${karpenter.cache}; before any node of the type registered it predicts ${karpenter.cold.allocatable.memory ?? '–'} allocatable memory.`,
      ),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Reservations'),
      grid(
        ['', 'node (AMI, kubelet)', 'Karpenter'],
        reservationRows(ready?.reserved ?? null, karpenter.reserved),
        'detail-reservations',
      ),
    ),
    h(
      'section',
      {},
      h('h3', {}, 'Settings'),
      keyValues([
        ['AMI family', detail.config.amiFamily],
        ['launched by', detail.config.launchedBy],
        ['VPC CNI', detail.config.cniMode],
        ['pod ENI', detail.config.podEni],
        ['RESERVED_ENIS', detail.config.reservedEnis],
        ['Karpenter', detail.config.karpenterVersion],
        ['VM_MEMORY_OVERHEAD_PERCENT', detail.config.vmMemoryOverheadPercent],
      ]),
    ),
  ];
  return parts.filter((part): part is Node => part !== null);
}
