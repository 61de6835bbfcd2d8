/**
 * A guest that misbehaves, in a root shell of the real guest: each case types its command
 * into a login shell as a trainee would, with the page's watchdog (src/ui/watchdog.ts) and the
 * worker's agent-restart watch (workers/agent-restart.ts) on the guest, and checks what the
 * page would show. Each prints the figure it measured (docs/reliability.md).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { NodeVM } from '../../src/vm/node-vm';
import { MEMORY_IN_USE, SUSPECT_MS, Watchdog } from '../../src/ui/watchdog';
import { watchAgentRestart } from '../../workers/agent-restart';
import { takeState } from '../../workers/take-state';
import { ok } from './use-guest';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const figure = (what: string) => console.log(`figure: ${what}`);

interface Session {
  vm: NodeVM;
  dog: Watchdog;
  /** the shell's output so far */
  output(): string;
  /** the shell's exit code once the page would say it ended */
  exitCode(): number | null;
  /** types a line into the shell; returns when its Enter went */
  type(line: string): number;
  /** waits until `test` holds, checking every 100 ms; the time it held (Date.now()), or null */
  until(test: () => boolean, timeoutMs: number): Promise<number | null>;
  verdictAt: number | null;
  answeredAgainAt: number | null;
  agentRestarts: number;
  /** the heartbeats' answers: when each came */
  answers: number[];
}

const sessions: Session[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) {
    s.dog?.stop();
    await s.vm.stop();
  }
});

const until = async (test: () => boolean, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) return null;
    await sleep(100);
  }
  return Date.now();
};

type Watched = Pick<Session, 'dog' | 'verdictAt' | 'answeredAgainAt' | 'answers' | 'until'>;

/** The page's watchdog on a guest, with its heartbeat. */
function watch(vm: NodeVM): Watched {
  const w: Watched = {
    dog: new Watchdog(
      {
        beat: async (timeoutMs) => {
          const r = await vm.exec(MEMORY_IN_USE, { timeoutMs });
          return r.exitCode === 0 && r.stdout.trim() ? Number(r.stdout) : null;
        },
        answered: () => w.answers.push(Date.now()),
        stopped: () => (w.verdictAt = Date.now()),
        answersAgain: () => (w.answeredAgainAt = Date.now()),
      },
      () => Date.now(),
    ),
    verdictAt: null,
    answeredAgainAt: null,
    answers: [],
    until,
  };
  w.dog.start();
  return w;
}

/** A fresh guest with a login shell at its prompt, watched as the page watches it. */
async function session(vm?: NodeVM): Promise<Session> {
  const guest = vm ?? (await NodeVM.start());
  let out = '';
  let exit: number | null = null;
  const s = {
    vm: guest,
    output: () => out,
    exitCode: () => exit,
    type: (line: string) => {
      pty.write(`${line}\r`);
      return Date.now();
    },
    agentRestarts: 0,
  } as Session;
  // the stream is between frames once the start's clock is set
  watchAgentRestart(
    guest.emulator,
    guest.agent,
    () => true,
    () => s.agentRestarts++,
  );
  const pty = guest.agent.openPty(
    100,
    30,
    (d) => (out += new TextDecoder().decode(d)),
    (code) => (exit = code),
  );
  sessions.push(s);
  expect(await until(() => /# $/.test(out), 30_000), 'a prompt').not.toBeNull();
  // the session is the watched guest: its verdict and answers are read through it
  const w = watch(guest);
  for (const key of ['dog', 'verdictAt', 'answeredAgainAt', 'answers', 'until'] as const) {
    Object.defineProperty(s, key, { get: () => w[key], enumerable: true });
  }
  return s;
}

const atPrompt = (s: Session, after: number) => () => /# $/.test(s.output().slice(after));

describe('a guest that misbehaves', () => {
  it('a fork bomb: the watchdog says so within 15 s; a save of its first seconds restores a guest it gives up on too, one from before restores a good one', async () => {
    const s = await session();
    await ok(s.vm, 'echo before > /root/work.txt && sync');
    const good = await s.vm.saveState();
    await sleep(1000);
    const enter = s.type(':(){ :|:& };:');
    // what the autosave would take 2 s after the Enter, the trainee no longer typing
    await sleep(2000);
    const early = await s.vm.saveState();
    const earlyAt = Date.now();
    expect(await s.until(() => s.verdictAt !== null, 30_000), 'the verdict').not.toBeNull();
    const lastAnswer = s.answers.at(-1)!;
    figure(
      `fork bomb: verdict ${seconds(s.verdictAt! - enter)} after the Enter, ${seconds(s.verdictAt! - lastAnswer)} after the last answer (${seconds(lastAnswer - enter)} after the Enter)`,
    );
    expect(s.verdictAt! - enter).toBeLessThanOrEqual(15_000);
    // the restart's rule drops the save of the bomb's first seconds
    expect(earlyAt).toBeGreaterThanOrEqual(lastAnswer - SUSPECT_MS);
    expect(s.answeredAgainAt).toBeNull();

    // Reset: a fresh guest, stopping the wedged one
    const reset = Date.now();
    s.dog.stop();
    await s.vm.stop();
    sessions.splice(sessions.indexOf(s), 1);
    const fresh = await session();
    figure(`fork bomb: Reset to a fresh prompt ${seconds(Date.now() - reset)} (in Node)`);
    expect((await ok(fresh.vm, 'ls /root')).trim()).not.toContain('work.txt');

    // the save of the bomb's first seconds, restored: the same watchdog gives up on it
    const restoreEarly = Date.now();
    const wedged = await NodeVM.start({ state: { buffer: early }, readyTimeoutMs: 20_000 });
    const dog = watch(wedged);
    try {
      expect(await dog.until(() => dog.verdictAt !== null, 20_000), 'a verdict on the save taken 2 s after the Enter').not.toBeNull();
      figure(`fork bomb: the save 2 s after the Enter, restored: verdict ${seconds(dog.verdictAt! - restoreEarly)} after the restore began`);
    } finally {
      dog.dog.stop();
      await wedged.stop();
    }
    // the good save, from before: answers, with the work
    const back = await NodeVM.start({ state: { buffer: good } });
    try {
      expect((await ok(back, 'cat /root/work.txt')).trim()).toBe('before');
    } finally {
      await back.stop();
    }
  });

  it('tail /dev/zero: the kernel kills it and the machine recovers by itself; a verdict while memory runs out is taken back', async () => {
    const s = await session();
    const mark = s.output().length;
    const enter = s.type('tail /dev/zero');
    const back = await s.until(() => /Killed/.test(s.output().slice(mark)) && atPrompt(s, mark)(), 120_000);
    expect(back, 'the shell says Killed and prompts again').not.toBeNull();
    await sleep(6000);
    const gaps = s.answers.filter((at) => at >= enter).map((at, i, all) => at - (i ? all[i - 1] : enter));
    figure(
      `tail /dev/zero: killed by the OOM killer ${seconds(back! - enter)} after the Enter; longest gap between heartbeat answers ${seconds(Math.max(...gaps))}; verdict: ${s.verdictAt === null ? 'none' : `${seconds(s.verdictAt - enter)}, taken back ${seconds(s.answeredAgainAt! - enter)} after the Enter`}`,
    );
    expect(await ok(s.vm, 'dmesg | grep -c "Out of memory" || true')).not.toMatch(/^0/);
    if (s.verdictAt !== null) expect(s.answeredAgainAt).toBeGreaterThan(s.verdictAt);
    expect(s.dog.alarmed).toBe(false);
    expect(s.dog.healthy).toBe(true);
    expect((await ok(s.vm, 'docker ps -q | wc -l')).trim()).toMatch(/^\d+$/);
  });

  it('a full disk: dd stops at "No space left on device", the guest keeps answering; once the file is gone the disk is back, and the save after restores', async () => {
    const s = await session();
    await ok(s.vm, 'echo before > /root/work.txt && sync');
    const before = await s.vm.saveState();
    const mark = s.output().length;
    const enter = s.type('dd if=/dev/zero of=/root/big bs=1M');
    const full = await s.until(() => /No space left on device/.test(s.output().slice(mark)) && atPrompt(s, mark)(), 300_000);
    expect(full, 'dd stops at a full disk').not.toBeNull();
    const gaps = s.answers.filter((at) => at >= enter).map((at, i, all) => at - (i ? all[i - 1] : enter));
    const written = s
      .output()
      .slice(mark)
      .match(/(\d+) bytes/)?.[1];
    figure(
      `full disk: ${(Number(written) / 2 ** 30).toFixed(2)} GiB written in ${seconds(full! - enter)}; longest gap between heartbeat answers ${seconds(Math.max(...gaps))}; verdict: ${s.verdictAt === null ? 'none' : seconds(s.verdictAt - enter)}`,
    );
    expect(s.verdictAt).toBeNull();
    expect(await ok(s.vm, 'df --output=avail / | tail -1')).toMatch(/^\s*0\s*$/);
    // the trainee removes the file: a clean guest again, Docker and files work
    await ok(s.vm, 'rm /root/big && sync');
    expect(Number((await ok(s.vm, 'df --output=avail / | tail -1')).trim())).toBeGreaterThan(1024 * 1024);
    expect((await ok(s.vm, 'echo after > /root/after.txt && sync && cat /root/after.txt && docker ps -q | wc -l')).trim()).toMatch(/^after\n\d+$/);
    // The blocks `dd` wrote are zeros: the emulator's disk holds no bytes for them, and what the
    // rm frees is given back once the root disk has discard (src/vm/ide-trim.ts). The save after
    // the rm succeeds and restores, with the work of before and after
    // (tests/guest/disk-space.test.ts measures the memory and the save's size).
    const after = await takeState(s.vm.emulator);
    figure(`full disk: after rm, the save ${(after.byteLength / 2 ** 20).toFixed(0)} MiB raw; before the dd ${(before.byteLength / 2 ** 20).toFixed(0)} MiB`);
    expect(after.byteLength).toBeLessThan(before.byteLength + 8 * 2 ** 20);
    const back = await NodeVM.start({ state: { buffer: after.slice().buffer } });
    try {
      expect((await ok(back, 'cat /root/work.txt /root/after.txt; test -e /root/big || echo no-big')).trim()).toBe('before\nafter\nno-big');
    } finally {
      await back.stop();
    }
  });

  it('kill -9 -1: the terminal says its shell ended, the agent and Docker come back, a new terminal gets a prompt', async () => {
    const s = await session();
    const enter = s.type('kill -9 -1');
    const ended = await s.until(() => s.exitCode() !== null, 30_000);
    expect(ended, 'the terminal is told its shell ended').not.toBeNull();
    expect(s.agentRestarts).toBeGreaterThanOrEqual(1);
    const docker = Date.now();
    await s.vm.waitFor('docker ps', 120_000);
    const dockerBack = Date.now();
    const next = await session(s.vm);
    figure(
      `kill -9 -1: the shell's end noticed ${seconds(ended! - enter)} after the Enter; docker ps answers again ${seconds(dockerBack - enter)} after the Enter (waited ${seconds(dockerBack - docker)}); verdict: ${s.verdictAt === null ? 'none' : seconds(s.verdictAt - enter)}`,
    );
    expect(s.verdictAt).toBeNull();
    expect(next.output()).toMatch(/# $/);
  });

  it('halt, poweroff and reboot are not commands of this guest; busybox poweroff and busybox reboot stop it and the watchdog says so within 15 s', async () => {
    const s = await session();
    for (const command of ['halt', 'poweroff', 'reboot']) {
      const mark = s.output().length;
      s.type(command);
      expect(await s.until(() => /command not found/.test(s.output().slice(mark)) && atPrompt(s, mark)(), 20_000), command).not.toBeNull();
    }
    const enter = s.type('busybox poweroff');
    expect(await s.until(() => s.verdictAt !== null, 30_000), 'the verdict').not.toBeNull();
    const lastAnswer = s.answers.at(-1)!;
    figure(`busybox poweroff: verdict ${seconds(s.verdictAt! - enter)} after the Enter, ${seconds(s.verdictAt! - lastAnswer)} after the last answer`);
    expect(s.verdictAt! - enter).toBeLessThanOrEqual(15_000);
    // busybox reboot: the guest does not come back by itself (v86 restarts it cold, its agent never answers)
    const r = await session();
    const rebootEnter = r.type('busybox reboot');
    expect(await r.until(() => r.verdictAt !== null, 30_000), 'the verdict after busybox reboot').not.toBeNull();
    await sleep(20_000);
    figure(
      `busybox reboot: verdict ${seconds(r.verdictAt! - rebootEnter)} after the Enter; answering again 20 s later: ${r.answeredAgainAt === null ? 'no' : 'yes'}`,
    );
    expect(r.verdictAt! - rebootEnter).toBeLessThanOrEqual(15_000);
  });

  it('the agent killed: init starts it again, the terminal says its shell ended, commands and a new terminal work', async () => {
    const s = await session();
    const enter = s.type('pkill -9 labbox-agent');
    const ended = await s.until(() => s.exitCode() !== null, 30_000);
    expect(ended, 'the terminal is told its shell ended').not.toBeNull();
    expect(s.agentRestarts).toBe(1);
    expect((await ok(s.vm, 'echo alive')).trim()).toBe('alive');
    const next = await session(s.vm);
    figure(
      `agent killed: the new agent's hello ${seconds(ended! - enter)} after the Enter; verdict: ${s.verdictAt === null ? 'none' : seconds(s.verdictAt - enter)}`,
    );
    expect(next.output()).toMatch(/# $/);
    expect(s.verdictAt).toBeNull();
  });
});
