/** What a fresh restore of the snapshot gives, in the real guest: the JIT settings, today's clock, a shell already at its prompt. */
import { describe, expect, it } from 'vitest';
import { ok, useGuest } from './guest';

const guest = useGuest();

describe('a fresh restore', () => {
  it("runs v86's JIT with small modules (see tuneJit)", () => {
    const exports = (guest.vm().emulator as unknown as { v86: { cpu: { wm: { exports: { get_jit_config(i: number): number } } } } }).v86.cpu.wm.exports;
    // MAX_PAGES, MAX_EXTRA_BASIC_BLOCKS
    expect([exports.get_jit_config(1), exports.get_jit_config(3)]).toEqual([1, 50]);
  });

  it("wakes with the host's clock, set by the agent itself", async () => {
    const guestSeconds = Number(await ok(guest.vm(), 'date +%s'));
    expect(Math.abs(guestSeconds - Date.now() / 1000)).toBeLessThan(30);
  });

  it('has a login shell waiting at its prompt, which the host takes over and types into', async () => {
    const vm = guest.vm();
    const first = vm.firstShell;
    expect(first?.screen).toMatch(/root@labbox:~# $/);
    const output: string[] = [];
    const pty = vm.agent.attachPty(first!.channel, (d) => output.push(new TextDecoder().decode(d)), () => {});
    pty.resize(100, 30);
    pty.write('echo "size=$(stty size) shell=$0"\r');
    await expect.poll(() => output.join(''), { timeout: 60_000, interval: 200 }).toMatch(/size=30 100 shell=-bash/);
    // commands get channels of their own, never the shell's
    expect(await ok(vm, 'echo still-separate')).toBe('still-separate\n');
    expect(vm.agent.nextChannelId).toBeGreaterThan(first!.channel + 1);
  });
});
