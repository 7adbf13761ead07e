// The network lab: homes behind NAT routers on a shared "internet", built from network namespaces, veth pairs,
// nftables and tc (recipes and this machine's kernel facts: ../shared/TESTING.md, "Network lab").
//
//   home a (192.168.1.2) ── router a (NAT) ──┐
//   home b (192.168.2.2) ── router b (NAT) ──┼── internet: bridge 198.51.100.0/24, servers at 198.51.100.1
//   ...                                      ┘   (router a = 198.51.100.11, router b = .12, ...)
//
// Each router is a home router: masquerade on its WAN side (port-preserving "cone" or "symmetric", a new port
// per destination), and no unsolicited inbound traffic. Per home: uplink/downlink caps (tbf), random loss and
// outages (nftables), and address changes. Needs root and Linux; `labSupport()` says why not otherwise.
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type NatKind = 'cone' | 'symmetric';

export interface HomeSpec {
  name: string;
  nat?: NatKind;
  /** Block UDP to and from the internet (TURN over TCP is the only way out). */
  blockUdp?: boolean;
  /**
   * The home's device is this process's own namespace, reaching the lab's internet through the home's router:
   * for a browser that must be launched here (Firefox, whose automation port only listens on loopback). Only a
   * route to the internet is added, not a default route. Caps and address changes are not available.
   */
  here?: boolean;
}

/** The internet side: where the signaling server and coturn listen. */
export const INTERNET_ADDRESS = '198.51.100.1';

/** Why the lab cannot run here, or null if it can. */
export function labSupport(): string | null {
  if (process.platform !== 'linux') return 'the network lab needs Linux network namespaces';
  if (process.getuid?.() !== 0) return 'the network lab needs root (ip netns, nftables, tc)';
  for (const tool of ['ip', 'nft', 'tc']) {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    } catch {
      return `the network lab needs \`${tool}\` (Debian: iproute2, nftables)`;
    }
  }
  return null;
}

async function sh(args: string[]): Promise<string> {
  try {
    return (await run(args[0] ?? 'true', args.slice(1), { timeout: 15_000 })).stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`lab: \`${args.join(' ')}\` failed: ${e.stderr?.trim() || e.message}`);
  }
}

function inNs(ns: string, args: string[]): Promise<string> {
  return sh(['ip', 'netns', 'exec', ns, ...args]);
}

function nft(ns: string, script: string): Promise<string> {
  return sh(['ip', 'netns', 'exec', ns, 'nft', script]);
}

/** Starts a process inside a namespace. */
export function spawnIn(ns: string, command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn('ip', ['netns', 'exec', ns, command, ...args], { stdio: ['ignore', 'pipe', 'pipe'], ...options });
}

export class Home {
  /** The home's current address on its LAN. */
  address: string;
  private addressCount = 2;
  private lossPct = 0;
  private down = false;

  constructor(
    readonly name: string,
    /** The namespace of the home's own device (where its browser runs). */
    readonly ns: string,
    /** The namespace of its router. */
    readonly router: string,
    /** The router's address on the internet: what STUN reports for this home. */
    readonly wanAddress: string,
    private readonly subnet: string,
  ) {
    this.address = `${subnet}.2`;
  }

  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess {
    return spawnIn(this.ns, command, args, options);
  }

  /** Caps what the home can send (its uplink) in kbit/s; null lifts the cap. */
  async setUplink(kbit: number | null): Promise<void> {
    await shape(this.ns, 'eth0', kbit);
  }

  /** Caps what the home can receive in kbit/s; null lifts the cap. */
  async setDownlink(kbit: number | null): Promise<void> {
    await shape(this.router, 'lan', kbit);
  }

  /** Drops this share of packets at random, both ways (0 for none). */
  async setLoss(pct: number): Promise<void> {
    this.lossPct = pct;
    await this.applyFilter();
  }

  /** The home's internet is gone (on) or back (off); addresses and links stay up, as when a router hangs. */
  async setOutage(on: boolean): Promise<void> {
    this.down = on;
    await this.applyFilter();
  }

  /**
   * A new address on the home's LAN, as after a new DHCP lease or a move to another network: every existing
   * flow from the old address is dead, and the router maps the new one afresh.
   */
  async changeAddress(): Promise<string> {
    this.addressCount++;
    const next = `${this.subnet}.${this.addressCount}`;
    await inNs(this.ns, ['ip', 'addr', 'flush', 'dev', 'eth0']);
    await inNs(this.ns, ['ip', 'addr', 'add', `${next}/24`, 'dev', 'eth0']);
    await inNs(this.ns, ['ip', 'route', 'add', 'default', 'via', `${this.subnet}.1`]);
    this.address = next;
    return next;
  }

  private async applyFilter(): Promise<void> {
    const rules = [`flush chain inet lab shape`];
    if (this.down) rules.push(`add rule inet lab shape drop`);
    else if (this.lossPct > 0) rules.push(`add rule inet lab shape numgen random mod 100 < ${Math.round(this.lossPct)} drop`);
    await nft(this.router, rules.join('; '));
  }
}

async function shape(ns: string, dev: string, kbit: number | null): Promise<void> {
  if (kbit === null) {
    await inNs(ns, ['sh', '-c', `tc qdisc del dev ${dev} root 2>/dev/null; true`]);
    return;
  }
  // A token bucket with a 300 ms queue: a home router's bufferbloat rather than an instant drop.
  const burst = Math.max(4_000, Math.round((kbit * 1000) / 8 / 50));
  await inNs(ns, ['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'tbf', 'rate', `${kbit}kbit`, 'burst', `${burst}`, 'latency', '300ms']);
}

let labCount = 0;

export class Lab {
  private readonly homes = new Map<string, Home>();
  private closed = false;

  private constructor(
    private readonly prefix: string,
    /** The internet's namespace: servers listen here, on INTERNET_ADDRESS. */
    readonly internet: string,
    private readonly namespaces: string[],
  ) {}

  static async create(homes: HomeSpec[]): Promise<Lab> {
    const reason = labSupport();
    if (reason) throw new Error(reason);
    const prefix = `lab${process.pid}x${labCount++}`;
    const internet = `${prefix}-net`;
    const lab = new Lab(prefix, internet, [internet]);
    process.once('exit', lab.closeSync);
    try {
      await sh(['ip', 'netns', 'add', internet]);
      await inNs(internet, ['ip', 'link', 'set', 'lo', 'up']);
      await inNs(internet, ['ip', 'link', 'add', 'br0', 'type', 'bridge']);
      await inNs(internet, ['ip', 'addr', 'add', `${INTERNET_ADDRESS}/24`, 'dev', 'br0']);
      await inNs(internet, ['ip', 'link', 'set', 'br0', 'up']);
      for (const [i, spec] of homes.entries()) await lab.addHome(spec, i);
    } catch (error) {
      lab.closeSync();
      throw error;
    }
    return lab;
  }

  home(name: string): Home {
    const h = this.homes.get(name);
    if (!h) throw new Error(`lab: no home named ${name}`);
    return h;
  }

  /** Starts a process on the internet (a server). */
  spawnInternet(command: string, args: string[], options?: SpawnOptions): ChildProcess {
    return spawnIn(this.internet, command, args, options);
  }

  async close(): Promise<void> {
    this.closeSync();
  }

  private readonly closeSync = (): void => {
    if (this.closed) return;
    this.closed = true;
    process.off('exit', this.closeSync);
    for (const ns of this.namespaces.reverse()) {
      try {
        // Processes still inside would keep a deleted namespace alive; they are the caller's to stop, but a
        // crashed test must not leave a browser running in one.
        execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' })
          .split('\n')
          .filter((p) => /^\d+$/.test(p))
          .forEach((p) => {
            try {
              process.kill(Number(p), 'SIGKILL');
            } catch {
              // already gone
            }
          });
        execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    }
  };

  private async addHome(spec: HomeSpec, index: number): Promise<void> {
    const subnet = `192.168.${index + 1}`;
    const wan = `198.51.100.${11 + index}`;
    const router = `${this.prefix}-r${index}`;
    const ns = spec.here ? '' : `${this.prefix}-h${index}`;
    for (const n of spec.here ? [router] : [router, ns]) {
      await sh(['ip', 'netns', 'add', n]);
      this.namespaces.push(n);
      await inNs(n, ['ip', 'link', 'set', 'lo', 'up']);
    }
    // Router WAN <-> internet bridge, router LAN <-> home.
    const port = `p${index}`;
    await sh(['ip', 'link', 'add', 'wan', 'netns', router, 'type', 'veth', 'peer', 'name', port, 'netns', this.internet]);
    await inNs(this.internet, ['ip', 'link', 'set', port, 'master', 'br0']);
    await inNs(this.internet, ['ip', 'link', 'set', port, 'up']);
    // A here-home's end stays in this namespace under a name of its own (deleting the router removes it too).
    const device = spec.here ? `lh${process.pid % 100_000}x${index}` : 'eth0';
    await sh(['ip', 'link', 'add', 'lan', 'netns', router, 'type', 'veth', 'peer', 'name', device, ...(spec.here ? [] : ['netns', ns])]);
    await inNs(router, ['ip', 'addr', 'add', `${wan}/24`, 'dev', 'wan']);
    await inNs(router, ['ip', 'addr', 'add', `${subnet}.1/24`, 'dev', 'lan']);
    await inNs(router, ['ip', 'link', 'set', 'wan', 'up']);
    await inNs(router, ['ip', 'link', 'set', 'lan', 'up']);
    await inNs(router, ['sysctl', '-qw', 'net.ipv4.ip_forward=1']);
    if (spec.here) {
      await sh(['ip', 'addr', 'add', `${subnet}.2/24`, 'dev', device]);
      await sh(['ip', 'link', 'set', device, 'up']);
      await sh(['ip', 'route', 'add', '198.51.100.0/24', 'via', `${subnet}.1`]);
    } else {
      await inNs(ns, ['ip', 'addr', 'add', `${subnet}.2/24`, 'dev', 'eth0']);
      await inNs(ns, ['ip', 'link', 'set', 'eth0', 'up']);
      await inNs(ns, ['ip', 'route', 'add', 'default', 'via', `${subnet}.1`]);
    }
    const masquerade = spec.nat === 'symmetric' ? 'masquerade random,fully-random' : 'masquerade';
    const udp = spec.blockUdp ? 'meta l4proto udp drop;' : '';
    // `iifname "wan" ct state new drop` in input: without it the other side's first check reaches the router
    // before our own outgoing packet, conntrack records it as a new flow to the router itself, and the NAT then
    // maps our flow to a different port, so every hole-punched pair fails (TESTING.md). Home routers drop
    // unsolicited inbound traffic the same way.
    await nft(
      router,
      `table inet lab {
        chain shape { }
        chain input { type filter hook input priority 0; policy accept; iifname "wan" ct state new drop; }
        chain forward { type filter hook forward priority 0; policy accept; jump shape; ${udp} iifname "wan" ct state new drop; }
        chain nat { type nat hook postrouting priority 100; oifname "wan" ${masquerade}; }
      }`,
    );
    this.homes.set(spec.name, new Home(spec.name, ns, router, wan, subnet));
  }
}
