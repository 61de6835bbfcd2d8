/**
 * A learning Ethernet switch: the one segment a cluster's guests share. Each node plugs a
 * port in (its network card's frames go to `port.receive`, frames for it come out of the
 * `deliver` it gave); the switch learns which port each source MAC lives behind and sends
 * unicast frames only there, floods broadcast, multicast and unknown destinations.
 * The same code wires v86 instances in Node (tests) and the page's workers.
 */

export interface SwitchPort {
  readonly id: number;
  /** a frame the node sent */
  receive(frame: Uint8Array): void;
  /** unplugs the node: its addresses are forgotten */
  disconnect(): void;
}

export interface SwitchCounters {
  /** frames sent to the one port their destination was learnt on */
  forwarded: number;
  /** frames sent to every other port (broadcast, multicast, not yet learnt) */
  flooded: number;
  /** frames dropped: too short, or whose destination is on the port they came from */
  dropped: number;
}

/** A learnt address is forgotten after this long without a frame from it (as 802.1D's default). */
const AGEING_MS = 300_000;
const MIN_FRAME = 14; // destination, source, EtherType

const macKey = (frame: Uint8Array, offset: number): string => Array.from(frame.subarray(offset, offset + 6), (b) => b.toString(16).padStart(2, '0')).join(':');

export class EthernetSwitch {
  private readonly ports = new Map<number, (frame: Uint8Array) => void>();
  private readonly table = new Map<string, { port: number; seen: number }>();
  private nextId = 1;
  readonly counters: SwitchCounters = { forwarded: 0, flooded: 0, dropped: 0 };

  constructor(private readonly now: () => number = Date.now) {}

  connect(deliver: (frame: Uint8Array) => void): SwitchPort {
    const id = this.nextId++;
    this.ports.set(id, deliver);
    return {
      id,
      receive: (frame) => this.forward(id, frame),
      disconnect: () => {
        this.ports.delete(id);
        for (const [mac, entry] of this.table) if (entry.port === id) this.table.delete(mac);
      },
    };
  }

  /** the learnt MAC → port table, for tests and the cluster view */
  addresses(): Map<string, number> {
    const now = this.now();
    return new Map([...this.table].filter(([, e]) => now - e.seen < AGEING_MS).map(([mac, e]) => [mac, e.port]));
  }

  private forward(from: number, frame: Uint8Array): void {
    if (!this.ports.has(from) || frame.length < MIN_FRAME) {
      this.counters.dropped++;
      return;
    }
    const now = this.now();
    // a multicast source address is invalid: never learn one
    if ((frame[6] & 1) === 0) this.table.set(macKey(frame, 6), { port: from, seen: now });
    const group = (frame[0] & 1) === 1;
    const known = group ? undefined : this.table.get(macKey(frame, 0));
    if (known && now - known.seen < AGEING_MS && this.ports.has(known.port)) {
      if (known.port === from) {
        this.counters.dropped++;
        return;
      }
      this.counters.forwarded++;
      this.ports.get(known.port)!(frame);
      return;
    }
    this.counters.flooded++;
    for (const [id, deliver] of this.ports) if (id !== from) deliver(frame);
  }
}
