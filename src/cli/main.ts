import { Command, CommanderError, Option } from 'commander';
import { indexCatalog } from '../core/catalog.js';
import { BUNDLED_CATALOG_PATH, readCatalogFile } from '../input/catalog-file.js';
import { InputError, UsageError } from '../input/input-error.js';
import type { SimProgress } from '../sim/result.js';
import { runCatalogRefresh } from './catalog-command.js';
import { type ClusterReaders, type DoctorCommandOptions, runDoctorCommand } from './doctor-command.js';
import { registerExporterCommand } from './exporter-command.js';
import { type IpsCommandOptions, runIpsCommand } from './ips-command.js';
import { type NodeCommandOptions, runNodeCommand } from './node-command.js';
import { packageVersion } from './package-version.js';
import { dropNodeVersionSupportWarning } from './process-warnings.js';
import { createProgressBar } from './progress.js';
import { registerServeCommand } from './serve-command.js';
import { runSimulateCommand, type SimulateCommandOptions } from './simulate-command.js';
import { runSubnetCommand } from './subnet-command.js';
import { colourAllowed, colourize, type TerminalInfo } from './terminal.js';

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** The real terminal, when there is one; without it output is plain and no progress is drawn. */
  readonly terminal?: TerminalInfo & { readonly columns: number };
}

const EXIT_CODES = `Exit codes:
  0  the command ran; no finding at or above --fail-on (when given)
  1  findings at or above --fail-on
  2  bad input or usage, or a cluster that could not be read (one line on stderr naming the value
     and what was expected)

Colours only when stdout is a terminal, never when NO_COLOR is set.`;

// Loaded on use: the Kubernetes client and the AWS SDK cost time at start that other commands need not pay.
const CLUSTER_READERS: ClusterReaders = {
  files: async (paths) => (await import('../cluster/read-export.js')).readClusterExport(paths),
  live: async (options) => (await import('../live/live-source.js')).readLiveCluster(options),
};

/** LiveReadError by its code, so that this module need not load the Kubernetes client to know it. */
function isLiveReadError(error: unknown): error is Error {
  return error instanceof Error && (error as { code?: unknown }).code === 'LIVE_READ_FAILED';
}

const collect = (value: string, previous: readonly string[] = []): string[] => [...previous, value];

/** Runs one podcap command line; returns the exit code. Never throws for bad input. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  dropNodeVersionSupportWarning();
  let exitCode = 0;
  const program = new Command('podcap')
    .description(
      'Will your pods fit on EKS? Max pods, pod IPs and allocatable CPU and memory as the AMI, the VPC CNI and Karpenter compute them.',
    )
    .version(packageVersion(), '--version')
    .option('--catalog <file>', 'instance-type catalog to use instead of the bundled one')
    .option(
      '-q, --quiet',
      'print nothing on stdout and draw no progress: the exit code tells (files are still written)',
    )
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr, outputError: () => {} })
    .exitOverride()
    .showSuggestionAfterError()
    .addHelpText(
      'after',
      `
Examples:
  podcap simulate examples/node-group-outgrows-max-pods
  podcap node m5.large --custom-networking
  podcap simulate --help

${EXIT_CODES}`,
    );

  // --catalog FILE on every command, else the bundled catalog.
  const catalogFile = () => program.opts<{ catalog?: string }>().catalog ?? BUNDLED_CATALOG_PATH;
  const readCatalog = () => readCatalogFile(catalogFile());
  const loadCatalog = () => indexCatalog(readCatalog());
  const terminal = io.terminal;
  const quiet = () => program.opts<{ quiet?: boolean }>().quiet === true;
  // A simulation's progress bar: on a terminal's stderr unless --quiet, wiped when the run ends or fails.
  const withProgress = <T>(run: (hooks: { onProgress?: (progress: SimProgress) => void }) => T): T => {
    if (terminal?.stderrIsTty !== true || quiet()) return run({});
    const bar = createProgressBar({ write: io.stderr, now: () => performance.now(), columns: terminal.columns });
    let result: T;
    try {
      result = run({ onProgress: bar.update });
    } catch (error) {
      bar.finish();
      throw error;
    }
    if (result instanceof Promise) return result.finally(bar.finish) as T;
    bar.finish();
    return result;
  };
  // Plain text goes out painted when stdout is a terminal that takes colour; JSON never is.
  const print = (text: string, json = false) => {
    if (quiet()) return;
    const colour = !json && terminal !== undefined && colourAllowed(terminal.stdoutIsTty, terminal.env);
    io.stdout(colour ? colourize(text) : text);
  };

  program
    .command('node')
    .description(
      'capacity of instance types: max pods, pod IPs, pod-ENI, allocatable CPU and memory, and every disagreement',
    )
    .argument('[instance-type...]', 'EC2 instance types, e.g. m5.large m8g.large')
    .option('--all', 'every type in the catalog')
    .option('--ami <family>', 'AMI family: al2, al2023, bottlerocket or custom (default al2023)')
    .option('--launched-by <launcher>', 'karpenter (it sets maxPods) or node-group (the AMI does) (default karpenter)')
    .option('--prefix-delegation', 'VPC CNI ENABLE_PREFIX_DELEGATION=true')
    .option('--custom-networking', 'VPC CNI AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true')
    .option('--pod-eni', 'VPC CNI ENABLE_POD_ENI=true (security groups for pods)')
    .option('--max-eni <n>', 'VPC CNI MAX_ENI')
    .option('--reserved-enis <n>', "Karpenter's RESERVED_ENIS (default 0)")
    .option('--karpenter-version <v>', 'Karpenter release, e.g. 1.5.1 (default the latest known)')
    .option('--vm-memory-overhead-percent <p>', "Karpenter's VM_MEMORY_OVERHEAD_PERCENT, 0.075 or 7.5%")
    .option('--max-pods <n>', 'kubelet maxPods (EC2NodeClass spec.kubelet.maxPods)')
    .option('--pods-per-core <n>', 'kubelet podsPerCore')
    .option('--max-pods-expression <cel>', "AL2023 nodeadm maxPodsExpression, e.g. 'max_pods + 2'")
    .option('--kube-reserved <list>', 'kubeReserved, e.g. cpu=100m,memory=1Gi')
    .option('--system-reserved <list>', 'systemReserved, e.g. cpu=100m,memory=100Mi')
    .option('--eviction-hard <signal>', 'evictionHard memory.available, e.g. memory.available=5%')
    .option('--eviction-soft <signal>', 'evictionSoft memory.available, e.g. memory.available=500Mi')
    .option(
      '--memory-capacity <quantity>',
      "a registered node's status.capacity.memory (MemTotal); TYPE=QUANTITY for several types",
      collect,
    )
    .option('--online-cpus <n>', 'CPUs the OS sees when CPU options turn some off')
    .option('--efa-only-interfaces <n>', 'EFA-only interfaces on network card 0 (Karpenter v1.11.0+)')
    .option('--ami-lacks-type', "the AMI's max-pods data lacks the type and it cannot ask the EC2 API")
    .option('--json', 'print an array of objects, one per type')
    .option('--verbose', 'print informational notes too')
    .addHelpText(
      'after',
      `
Examples:
  podcap node m5.large m8g.large c5.18xlarge
  podcap node m8g.large --ami al2 --karpenter-version 1.5.1 --reserved-enis 1 --pod-eni \\
    --memory-capacity 7948164Ki
  podcap node m5.large --custom-networking --json`,
    )
    .action((names: string[], options: NodeCommandOptions) => {
      const result = runNodeCommand(names, options, loadCatalog());
      print(result.stdout, options.json === true);
      exitCode = result.exitCode;
    });

  program
    .command('ips')
    .description('how many addresses N pods on these nodes take, and which subnet and VPC CNI settings they need')
    .requiredOption('--instance-type <type>', 'EC2 instance type of the nodes')
    .requiredOption('--pods-per-node <n>', 'pods on each node that need an IP (not hostNetwork)')
    .option('--nodes <k>', 'number of nodes')
    .option('--pods <p>', 'total pods that need an IP (nodes follow from --pods-per-node)')
    .option(
      '--env <NAME=VALUE>',
      'an aws-node variable as in the DaemonSet, e.g. WARM_IP_TARGET=2 (repeatable)',
      collect,
    )
    .option(
      '--subnet <cidr>',
      'a node subnet, or eniconfig:CIDR for an ENIConfig (custom networking) subnet (repeatable)',
      collect,
    )
    .option('--headroom <percent>', 'spare addresses the recommendation keeps')
    .option('--json', 'print one object')
    .addHelpText(
      'after',
      `
Examples:
  podcap ips --instance-type m5.large --pods-per-node 20 --nodes 50 --subnet 10.0.0.0/22
  podcap ips --instance-type m5.xlarge --pods-per-node 30 --pods 3000 --subnet 10.0.0.0/20 \\
    --env WARM_IP_TARGET=2 --env MINIMUM_IP_TARGET=30 --json`,
    )
    .action((options: IpsCommandOptions) => {
      const result = runIpsCommand(options, loadCatalog());
      print(result.stdout, options.json === true);
      exitCode = result.exitCode;
    });

  program
    .command('subnet')
    .description('usable addresses and /28 prefixes of a subnet, and what remains after N are used')
    .argument('<cidr>', 'IPv4 subnet, /16 to /28')
    .option('--used <n>', 'addresses already handed out')
    .option('--json', 'print one object')
    .addHelpText('after', '\nExamples:\n  podcap subnet 10.0.0.0/24\n  podcap subnet 10.0.0.0/20 --used 1500 --json')
    .action((cidr: string, options: { used?: string; json?: boolean }) => {
      const result = runSubnetCommand(cidr, options);
      print(result.stdout, options.json === true);
      exitCode = result.exitCode;
    });

  program
    .command('simulate')
    .description(
      'run a cluster over simulated time (kube-scheduler, node groups, Karpenter, quotas, kubelet, VPC CNI): which pods run, stay Pending or hang without an IP, when subnets run dry, what the nodes cost',
    )
    .argument('<file|folder...>', 'Kubernetes manifests and one podcap Scenario document (YAML or JSON)')
    .option('--json', 'print one object')
    .option('--events', 'add the event log, like kubectl get events')
    .option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse is found: warning or error')
    .option('--seed <n>', "override the scenario's seed (a whole number, 0 or more)")
    .option('--duration <d>', "override the scenario's duration, Go-style: 90s, 15m, 1h30m")
    .option(
      '--report <file.html>',
      'also write a self-contained HTML report: findings, charts over time, events, inputs',
    )
    .addHelpText(
      'after',
      `
Examples:
  podcap simulate examples/karpenter-pod-eni-allocatable-loop
  podcap simulate examples/node-group-outgrows-max-pods
  podcap simulate examples/node-group-outgrows-max-pods --duration 9m --events
  podcap simulate examples/custom-networking-more-pods-than-ips --json --fail-on error
  podcap simulate examples/karpenter-spot-quota-and-warm-pool --seed 7 --fail-on warning
  podcap simulate examples/karpenter-spot-quota-and-warm-pool --report spot-quota.html --quiet`,
    )
    .action((paths: string[], options: SimulateCommandOptions) => {
      const result = withProgress((hooks) =>
        runSimulateCommand(paths, options, loadCatalog(), { ...hooks, catalogFile: catalogFile() }),
      );
      print(result.stdout, options.json === true);
      exitCode = result.exitCode;
    });

  program
    .command('doctor')
    .description(
      "check a real cluster against podcap's models: capacity mismatches, maxPods over pod IPs, pods stuck without an IP, Karpenter loops, each subnet's forecast, quota headroom; and what-ifs from its state",
    )
    .argument('[file|folder...]', 'what `podcap doctor --print-collect` collects (kubectl and aws JSON), in any order')
    .option('--print-collect', 'print the read-only kubectl and aws commands that collect what doctor reads')
    .option('--live', 'read the cluster itself (kubeconfig and AWS credentials; list and describe calls only)')
    .option('--context <name>', 'kubeconfig context for --live (default: the current one)')
    .addOption(new Option('--region <region>', 'AWS region for --live (default: the nodes’ region)').env('AWS_REGION'))
    .option('--vpc <id>', 'VPC whose subnets --live reads (default: the VPC of the nodes)')
    .option('--json', 'print one object')
    .option('--fail-on <severity>', 'exit 1 when a finding of this severity or worse is found: warning or error')
    .option('--report <file.html>', 'also write the self-contained HTML report')
    .option('--scale <ns/name=3x|=N>', 'what-if: scale a Deployment or StatefulSet (repeatable)', collect)
    .option('--add-pods <n>', 'what-if: add N pods (a Deployment podcap-what-if) with --requests')
    .option('--requests <list>', 'requests of each added pod, e.g. cpu=500m,memory=1Gi')
    .option('--duration <d>', 'how long the what-if runs, Go-style (default 1h)')
    .option(
      '--export-scenario <file.yaml>',
      'write the cluster (with the what-if changes) as a scenario for podcap simulate',
    )
    .addHelpText(
      'after',
      `
Examples:
  podcap doctor --print-collect
  podcap doctor examples/cluster-export
  podcap doctor examples/cluster-export --scale shop/web=3x --fail-on error
  podcap doctor examples/cluster-export --add-pods 200 --requests cpu=500m,memory=1Gi --json`,
    )
    .action(async (paths: string[], options: DoctorCommandOptions) => {
      const result = await withProgress((hooks) =>
        runDoctorCommand(paths, options, loadCatalog, CLUSTER_READERS, { ...hooks, catalogFile: catalogFile() }),
      );
      print(result.stdout, options.json === true || options.printCollect === true);
      exitCode = result.exitCode;
    });

  registerServeCommand(program, io, loadCatalog);
  registerExporterCommand(program, io, loadCatalog);

  const catalog = program
    .command('catalog')
    .description('the instance-type catalog')
    .addHelpText('after', '\nExample:\n  podcap catalog refresh --help');
  catalog
    .command('refresh')
    .description('rebuild the catalog from the live EC2 API (DescribeInstanceTypes), merged with the bundled facts')
    .addOption(new Option('--region <region>', 'AWS region').env('AWS_REGION'))
    .option('--out <file>', 'where to write the catalog (default: print to stdout)')
    .addHelpText('after', '\nExample:\n  podcap catalog refresh --region us-east-1 --out my-catalog.json')
    .action(async (options: { region?: string; out?: string }) => {
      const result = await runCatalogRefresh(options, readCatalog());
      print(result.stdout, true);
      io.stderr(result.stderr);
      exitCode = result.exitCode;
    });

  // Every command's help ends with the exit codes, after its examples.
  const withExitCodes = (command: Command) => {
    for (const sub of command.commands) {
      sub.addHelpText('after', `\n${EXIT_CODES}`);
      withExitCodes(sub);
    }
  };
  withExitCodes(program);

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
        return 0;
      }
      io.stderr(`podcap: ${error.message.replace(/^error: /, '')}\n`);
      return 2;
    }
    if (error instanceof InputError || error instanceof UsageError || isLiveReadError(error)) {
      io.stderr(`podcap: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
