/**
 * A Node.js cluster node in a thread of its own: restores a guest with NodeVM, puts its network
 * card on the MessagePort it was given, and runs the commands and terminals the main thread
 * asks for (./thread-protocol.ts). One thread per node gives each guest its own host core, as
 * each node has its own Web Worker in the page.
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { PtyHandle } from '../vm/agent-client';
import { NodeVM } from '../vm/node-vm';
import { attachNic } from './nic';
import type { FromNode, NodeThreadOptions, ToNode } from './thread-protocol';

const { options, nic } = workerData as { options: NodeThreadOptions; nic: MessagePort };
const port = parentPort!;
const post = (message: FromNode, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

async function main(): Promise<void> {
  let vm: NodeVM;
  try {
    vm = await NodeVM.start(options);
  } catch (error) {
    post({ type: 'failed', message: (error as Error).message });
    return;
  }
  const deliver = attachNic(vm.emulator, (frame) => nic.postMessage(frame, [frame.buffer as ArrayBuffer]));
  nic.on('message', (frame: Uint8Array) => deliver(frame));
  const aborts = new Map<number, AbortController>();
  const shells = new Map<number, PtyHandle>();
  let firstShell = vm.firstShell;
  port.on('message', (message: ToNode) => {
    switch (message.type) {
      case 'exec': {
        const abort = new AbortController();
        aborts.set(message.id, abort);
        const id = message.id;
        vm.exec(message.command, {
          timeoutMs: message.timeoutMs,
          signal: abort.signal,
          onStdout: (chunk) => post({ type: 'stdout', id, chunk }),
          onStderr: (chunk) => post({ type: 'stderr', id, chunk }),
        })
          .then(
            (result) => post({ type: 'done', id, result }),
            (error: Error) => post({ type: 'error', id, message: error.message }),
          )
          .finally(() => aborts.delete(id));
        break;
      }
      case 'abort':
        aborts.get(message.id)?.abort();
        break;
      case 'shell': {
        const id = message.id;
        const onOutput = (data: Uint8Array) => post({ type: 'output', id, data });
        const onExit = (code: number) => post({ type: 'exit', id, code });
        const first = firstShell;
        firstShell = undefined;
        const pty = first ? vm.agent.attachPty(first.channel, onOutput, onExit) : vm.agent.openPty(message.cols, message.rows, onOutput, onExit);
        if (first) {
          post({ type: 'screen', id, screen: first.screen });
          pty.resize(message.cols, message.rows);
        }
        shells.set(id, pty);
        break;
      }
      case 'input':
        shells.get(message.id)?.write(message.data);
        break;
      case 'resize':
        shells.get(message.id)?.resize(message.cols, message.rows);
        break;
      case 'stop':
        void vm.stop().finally(() => {
          post({ type: 'stopped' });
          nic.close();
          port.close();
        });
        break;
    }
  });
  post({ type: 'ready' });
}

void main();
