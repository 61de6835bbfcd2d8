/**
 * The messages between a Node.js cluster node's thread (./node-thread.ts) and the main thread
 * (./threaded-node.ts). Everything in them crosses threads by structured clone.
 */
import type { ExecResult } from '../vm/agent-client';

/** What a node's thread restores: the serialisable part of NodeVmOptions. */
export interface NodeThreadOptions {
  imageDir?: string;
  machine?: string;
  cold?: boolean;
  readyTimeoutMs?: number;
}

export type ToNode =
  | { type: 'exec'; id: number; command: string; timeoutMs?: number }
  | { type: 'abort'; id: number }
  /** a terminal: the restored shell waiting at its prompt if there is one, else a new one */
  | { type: 'shell'; id: number; cols: number; rows: number }
  | { type: 'input'; id: number; data: Uint8Array }
  | { type: 'resize'; id: number; cols: number; rows: number }
  | { type: 'stop' };

export type FromNode =
  | { type: 'ready' }
  | { type: 'failed'; message: string }
  | { type: 'stdout' | 'stderr'; id: number; chunk: Uint8Array }
  | { type: 'done'; id: number; result: ExecResult }
  | { type: 'error'; id: number; message: string }
  | { type: 'output'; id: number; data: Uint8Array }
  | { type: 'screen'; id: number; screen: string }
  | { type: 'exit'; id: number; code: number }
  | { type: 'stopped' };
