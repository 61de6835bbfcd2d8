/**
 * Wire format of the guest agent's control channel (images/agent/labbox-agent.c).
 *
 * A frame is a 9-byte header then the payload:
 *   0xA5 | type (1) | channel id (4, LE) | payload length (3, LE)
 * Channels are numbered by the host; channel 0 is the agent itself (hello / ping).
 */

export const MAGIC = 0xa5;
export const HEADER_SIZE = 9;
export const MAX_PAYLOAD = 1 << 20;
export const AGENT_VERSION = 'labbox-agent 2';

export const FrameType = {
  // host -> guest
  Exec: 1,
  PtyOpen: 2,
  Input: 3,
  Resize: 4,
  Close: 5,
  Ping: 6,
  /** payload: the host's time in milliseconds since the epoch; answered with Exit "0" or Error */
  SetClock: 7,
  // guest -> host
  Stdout: 0x81,
  Stderr: 0x82,
  Exit: 0x83,
  PtyOutput: 0x84,
  Pong: 0x86,
  Error: 0x87,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export interface Frame {
  type: number;
  channel: number;
  payload: Uint8Array;
}

const utf8 = new TextEncoder();

export function encodeFrame(type: FrameType, channel: number, payload: Uint8Array | string = new Uint8Array(0)): Uint8Array {
  const body = typeof payload === 'string' ? utf8.encode(payload) : payload;
  if (body.length > MAX_PAYLOAD) throw new RangeError(`agent frame too large: ${body.length} bytes`);
  const frame = new Uint8Array(HEADER_SIZE + body.length);
  const view = new DataView(frame.buffer);
  frame[0] = MAGIC;
  frame[1] = type;
  view.setUint32(2, channel >>> 0, true);
  frame[6] = body.length & 0xff;
  frame[7] = (body.length >> 8) & 0xff;
  frame[8] = (body.length >> 16) & 0xff;
  frame.set(body, HEADER_SIZE);
  return frame;
}

/** Splits a byte stream into frames; bytes before a MAGIC are skipped (resynchronisation). */
export class FrameDecoder {
  private header = new Uint8Array(HEADER_SIZE);
  private headerLength = 0;
  private payload: Uint8Array | null = null;
  private payloadLength = 0;

  constructor(private readonly onFrame: (frame: Frame) => void) {}

  push(bytes: Uint8Array): void {
    let i = 0;
    while (i < bytes.length) {
      if (this.payload === null) {
        if (this.headerLength === 0 && bytes[i] !== MAGIC) {
          i++;
          continue;
        }
        this.header[this.headerLength++] = bytes[i++];
        if (this.headerLength < HEADER_SIZE) continue;
        const size = this.header[6] | (this.header[7] << 8) | (this.header[8] << 16);
        this.payload = new Uint8Array(size);
        this.payloadLength = 0;
      }
      const take = Math.min(bytes.length - i, this.payload.length - this.payloadLength);
      this.payload.set(bytes.subarray(i, i + take), this.payloadLength);
      this.payloadLength += take;
      i += take;
      if (this.payloadLength === this.payload.length) {
        const view = new DataView(this.header.buffer);
        const frame = { type: this.header[1], channel: view.getUint32(2, true), payload: this.payload };
        this.payload = null;
        this.headerLength = 0;
        this.onFrame(frame);
      }
    }
  }
}
