/** The TCP ports listening in the guest that the preview can reach, from `ss`. Platform-free. */

/** One listening port and the program that holds it. */
export interface ListeningPort {
  port: number;
  /** the program's name (`docker-proxy`, `nginx`, `python3`), empty when ss does not say */
  program: string;
}

/** Listening TCP sockets, numeric, with their programs, without the header line. */
export const LISTENING_COMMAND = 'ss -Hltnp';

/** Addresses the relay reaches through the guest's loopback: any address, or loopback itself. */
const REACHABLE = /^(?:0\.0\.0\.0|\*|\[::\]|127\.\d+\.\d+\.\d+|\[::1\]|\[::ffff:127\.\d+\.\d+\.\d+\])$/;

/**
 * Parses `ss -Hltnp`: one entry a port (a server listening on both IPv4 and IPv6 is one port),
 * sorted, keeping only the sockets the relay can reach on 127.0.0.1.
 */
export function parseListening(text: string): ListeningPort[] {
  const ports = new Map<number, string>();
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 5 || fields[0] !== 'LISTEN') continue;
    const local = fields[3];
    const colon = local.lastIndexOf(':');
    const address = local.slice(0, colon).replace(/%.*$/, '');
    const port = Number(local.slice(colon + 1));
    if (!Number.isInteger(port) || port < 1 || port > 65535 || !REACHABLE.test(address)) continue;
    const program = /users:\(\("([^"]+)"/.exec(line)?.[1] ?? '';
    if (!ports.has(port) || (!ports.get(port) && program)) ports.set(port, program);
  }
  return [...ports].sort(([a], [b]) => a - b).map(([port, program]) => ({ port, program }));
}
