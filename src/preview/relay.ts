/**
 * The relay in the guest: one agent exec of bash, which opens a TCP connection to the port
 * on the guest's loopback (`/dev/tcp`, a bash built-in: nothing in the image is added for
 * it), writes the request's bytes and streams back whatever the server answers until it
 * closes the connection. A port published by Docker is reached through docker-proxy, which
 * listens on the guest's own addresses.
 */
import { toBase64 } from '../files/guest-files';

/** The relay's exit code when nothing listens on the port (the connection is refused). */
export const CLOSED_PORT_EXIT = 111;

/** How long one request may take in the guest, its answer streamed meanwhile. */
export const PREVIEW_TIMEOUT_MS = 300_000;

/** The largest request body the preview carries (a form, an upload through the app). */
export const MAX_REQUEST_BYTES = 8 * 2 ** 20;

/** Part files of large requests: names the relay can put inside its single quotes. */
const SAFE_PATH = /^[A-Za-z0-9/._-]+$/;

/**
 * The command that relays one request to `port`: its bytes inline (base64, at most
 * CHUNK_BYTES), or a file already written in the guest (removed once sent).
 */
export function relayCommand(port: number, request: { bytes: Uint8Array } | { file: string }): string {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RangeError(`not a TCP port: ${port}`);
  let send: string;
  if ('bytes' in request) send = `printf %s ${toBase64(request.bytes)} | base64 -d >&3`;
  else if (SAFE_PATH.test(request.file)) send = `cat ${request.file} >&3; rm -f ${request.file}`;
  else throw new RangeError(`not a part file's name: ${request.file}`);
  // the request is written in the background: a server that answers while it reads (an echo) must not wait on a full socket
  return `exec bash -c '{ exec 3<>/dev/tcp/127.0.0.1/${port}; } 2>/dev/null || exit ${CLOSED_PORT_EXIT}; { ${send}; } & cat <&3'`;
}
