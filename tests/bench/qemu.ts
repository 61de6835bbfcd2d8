/**
 * The same guest (kernel, initramfs, disk) on qemu-system-i386 with TCG, as the benchmark's
 * reference: the guest agent is reached through a virtio console on a Unix socket.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createConnection, type Socket } from 'node:net';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentClient } from '../../src/vm/agent-client';
import type { GuestManifest } from '../../src/vm/manifest';

export class QemuGuest {
  private constructor(
    private readonly process: ChildProcess,
    private readonly socket: Socket,
    readonly agent: AgentClient,
  ) {}

  /** Cold-boots the guest from a raw disk image (opened read-only: writes go to a temporary overlay). */
  static async boot(manifest: GuestManifest, imageDir: string, rawDisk: string): Promise<QemuGuest> {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'labbox-qemu-'));
    const sock = path.join(dir, 'agent.sock');
    const qemu = spawn(
      'qemu-system-i386',
      [
        '-accel',
        'tcg',
        '-m',
        String(manifest.v86.memorySize / 2 ** 20),
        '-nographic',
        '-no-reboot',
        '-kernel',
        path.join(imageDir, manifest.files.kernel.path),
        '-initrd',
        path.join(imageDir, manifest.files.initrd.path),
        '-append',
        manifest.v86.cmdline,
        '-drive',
        `file=${rawDisk},format=raw,if=ide,snapshot=on`,
        '-device',
        'virtio-serial-pci',
        '-chardev',
        `socket,id=agent,path=${sock},server=on,wait=off`,
        '-device',
        'virtconsole,chardev=agent',
        '-serial',
        'null',
        '-monitor',
        'none',
        '-net',
        'none',
      ],
      { stdio: 'ignore' },
    );
    const socket = await connectWhenReady(sock, 30_000);
    const agent = new AgentClient((bytes) => socket.write(bytes));
    socket.on('data', (data: Buffer) => agent.receive(new Uint8Array(data)));
    // a qemu that exits (bad option, disk) must fail the benchmark, not leave it waiting
    const exited = new Promise<never>((_, reject) =>
      qemu.once('exit', (code) => reject(new Error(`qemu-system-i386 exited (code ${code}) before its agent answered`))),
    );
    const answered = agent.waitColdStart(180_000, 300_000);
    await Promise.race([answered, exited]);
    return new QemuGuest(qemu, socket, agent);
  }

  stop(): void {
    this.socket.destroy();
    this.process.kill('SIGKILL');
  }
}

async function connectWhenReady(sock: string, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = createConnection(sock, () => resolve(s));
        s.once('error', reject);
      });
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`qemu's agent socket did not open: ${String(error)}`, { cause: error });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
