/**
 * The main thread's handle on a Node.js cluster node running in its own thread
 * (./node-thread.ts): commands and terminals by message, the network card on a MessagePort.
 */
import { MessageChannel, Worker } from 'node:worker_threads';
import { AgentError, type ExecOptions, type ExecResult } from '../vm/agent-client';
import type { FromNode, NodeThreadOptions, ToNode } from './thread-protocol';

/** A terminal on the node: what the guest prints goes to `onOutput` (the restored prompt first). */
export interface NodeShell {
  write(data: Uint8Array | string): void;
  resize(cols: number, rows: number): void;
}

export class ThreadedNode {
  private nextId = 1;
  private readonly handlers = new Map<number, (message: FromNode) => void>();
  private stopped?: Promise<void>;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: FromNode) => {
      if ('id' in message) this.handlers.get(message.id)?.(message);
    });
  }

  /**
   * Starts the node's thread and waits for its guest's agent. `send` gets each frame the guest
   * sends; the returned `deliver` hands the guest a frame.
   */
  static async start(options: NodeThreadOptions, send: (frame: Uint8Array) => void): Promise<{ node: ThreadedNode; deliver: (frame: Uint8Array) => void }> {
    const nic = new MessageChannel();
    const worker = new Worker(new URL('./node-thread-boot.mjs', import.meta.url), { workerData: { options, nic: nic.port2 }, transferList: [nic.port2] });
    nic.port1.on('message', (frame: Uint8Array) => send(frame));
    const node = new ThreadedNode(worker);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: FromNode) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(new Error(message.message));
        else return;
        worker.off('message', onMessage);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the node's thread ended (code ${code}) before its guest was ready`)));
    }).catch(async (error: unknown) => {
      nic.port1.close();
      await worker.terminate();
      throw error;
    });
    return { node, deliver: (frame) => nic.port1.postMessage(frame) };
  }

  private send(message: ToNode): void {
    this.worker.postMessage(message);
  }

  /** Runs a command in the node's guest; as AgentClient.exec. */
  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const id = this.nextId++;
    return new Promise<ExecResult>((resolve, reject) => {
      const abort = () => this.send({ type: 'abort', id });
      options.signal?.addEventListener('abort', abort, { once: true });
      this.handlers.set(id, (message) => {
        if (message.type === 'stdout') options.onStdout?.(message.chunk);
        else if (message.type === 'stderr') options.onStderr?.(message.chunk);
        else if (message.type === 'done' || message.type === 'error') {
          this.handlers.delete(id);
          options.signal?.removeEventListener('abort', abort);
          if (message.type === 'done') resolve(message.result);
          else reject(new AgentError(message.message));
        }
      });
      this.send({ type: 'exec', id, command, timeoutMs: options.timeoutMs });
    });
  }

  /** A terminal: the snapshot's shell waiting at its prompt the first time, a new login shell after. */
  shell(cols: number, rows: number, onOutput: (data: Uint8Array | string) => void, onExit: (code: number) => void): NodeShell {
    const id = this.nextId++;
    this.handlers.set(id, (message) => {
      if (message.type === 'output') onOutput(message.data);
      else if (message.type === 'screen') onOutput(message.screen);
      else if (message.type === 'exit') {
        this.handlers.delete(id);
        onExit(message.code);
      }
    });
    this.send({ type: 'shell', id, cols, rows });
    return {
      write: (data) => this.send({ type: 'input', id, data: typeof data === 'string' ? new TextEncoder().encode(data) : data }),
      resize: (c, r) => this.send({ type: 'resize', id, cols: c, rows: r }),
    };
  }

  /** Stops the guest and ends the thread. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => void this.worker.terminate().then(() => resolve()), 30_000);
      this.worker.on('message', (message: FromNode) => {
        if (message.type !== 'stopped') return;
        clearTimeout(timer);
        void this.worker.terminate().then(() => resolve());
      });
      this.worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.send({ type: 'stop' });
    });
    return this.stopped;
  }
}
