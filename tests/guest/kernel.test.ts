/** Namespaces, cgroup v2 and LXC in the real guest. */
import { describe, expect, it } from 'vitest';
import { ok, run, useGuest } from './use-guest';

const guest = useGuest();

describe('namespaces', () => {
  it('PID: the first process of a new PID namespace is PID 1 and sees only its own', async () => {
    const out = await ok(guest.vm(), `unshare -p -f --mount-proc sh -c 'echo $$; ps -e --no-headers | wc -l'`);
    const [pid, count] = out.trim().split(/\s+/).map(Number);
    expect(pid).toBe(1);
    expect(count).toBeLessThanOrEqual(3);
  });

  it('UTS: another host name inside, the guest keeps its own', async () => {
    expect((await ok(guest.vm(), `unshare -u sh -c 'hostname inside; hostname'`)).trim()).toBe('inside');
    expect((await ok(guest.vm(), 'hostname')).trim()).toBe('labbox');
  });

  it('net: a new network namespace has only lo', async () => {
    const links = await ok(guest.vm(), 'unshare -n ip -o link show');
    expect(links.trim().split('\n')).toHaveLength(1);
    expect(links).toMatch(/: lo:/);
    expect(await ok(guest.vm(), 'ip -o link show')).toMatch(/: eth0:/);
  });

  it('mount: a tmpfs mounted inside is invisible outside', async () => {
    const vm = guest.vm();
    expect(await ok(vm, `mkdir -p /mnt/ns && unshare -m sh -c 'mount -t tmpfs none /mnt/ns && touch /mnt/ns/inside && ls /mnt/ns'`)).toMatch(/inside/);
    expect((await ok(vm, 'ls -A /mnt/ns')).trim()).toBe('');
  });

  it('IPC: a message queue made outside is not seen inside', async () => {
    const vm = guest.vm();
    const id = (await ok(vm, 'ipcmk -Q')).match(/(\d+)/)?.[1];
    expect(id).toBeDefined();
    expect(await ok(vm, 'ipcs -q')).toContain(id!);
    expect(await ok(vm, 'unshare -i ipcs -q')).not.toMatch(new RegExp(`\\b${id}\\b`));
    await ok(vm, `ipcrm -q ${id}`);
  });

  it('user: an unprivileged user is root inside its own user namespace', async () => {
    const out = await ok(guest.vm(), `setpriv --reuid=65534 --regid=65534 --clear-groups unshare -U -r sh -c 'id -u; cat /proc/self/uid_map'`);
    const [uid, ...map] = out.trim().split(/\s+/);
    expect(uid).toBe('0');
    expect(map.slice(0, 3)).toEqual(['0', '65534', '1']);
  });

  it('lsns lists a namespace made by unshare, as /proc/<pid>/ns shows it', async () => {
    const vm = guest.vm();
    const out = await ok(vm, `unshare -u sleep 60 & pid=$!; sleep 1; readlink /proc/$pid/ns/uts; lsns -t uts -o NS,PID -n; kill $pid`);
    const inode = out.match(/uts:\[(\d+)\]/)?.[1];
    expect(inode).toBeDefined();
    expect(out.split('\n').filter((l) => l.trim().startsWith(inode!))).toHaveLength(1);
  });
});

describe('cgroup v2', () => {
  it('is mounted with the memory, pids and cpu controllers', async () => {
    const controllers = await ok(guest.vm(), 'cat /sys/fs/cgroup/cgroup.controllers');
    for (const c of ['cpu', 'memory', 'pids', 'io']) expect(controllers.split(/\s+/)).toContain(c);
  });

  it('a process over memory.max is OOM-killed', async () => {
    const vm = guest.vm();
    await ok(vm, 'mkdir -p /sys/fs/cgroup/oomtest && echo 16M > /sys/fs/cgroup/oomtest/memory.max');
    const r = await run(vm, `sh -c 'echo $$ > /sys/fs/cgroup/oomtest/cgroup.procs; x=$(head -c 48000000 /dev/zero | tr "\\0" x); echo survived'`);
    expect(r.exitCode).toBe(137);
    expect(r.stdout).not.toContain('survived');
    expect(await ok(vm, 'cat /sys/fs/cgroup/oomtest/memory.events')).toMatch(/oom_kill [1-9]/);
  });

  it('pids.max stops a fork bomb', async () => {
    const vm = guest.vm();
    await ok(vm, 'mkdir -p /sys/fs/cgroup/pidtest && echo 8 > /sys/fs/cgroup/pidtest/pids.max');
    const r = await run(vm, `sh -c 'echo $$ > /sys/fs/cgroup/pidtest/cgroup.procs; for i in $(seq 20); do sleep 3 & done; wait' 2>&1`);
    expect(r.stdout + r.stderr).toMatch(/fork|Resource temporarily unavailable/i);
    expect(await ok(vm, 'cat /sys/fs/cgroup/pidtest/pids.events')).toMatch(/max [1-9]/);
  });
});

describe('scheduler', () => {
  it("gives time slices sized for an emulated CPU (rc.sysinit: tuned's throughput-performance values)", async () => {
    const vm = guest.vm();
    expect(await ok(vm, 'cat /proc/mounts')).not.toMatch(/ debugfs /); // mounted for the settings only
    const sched = '/sys/kernel/debug/sched';
    const values = await ok(
      vm,
      `mount -t debugfs none /sys/kernel/debug && cat ${sched}/latency_ns ${sched}/min_granularity_ns ${sched}/wakeup_granularity_ns; umount /sys/kernel/debug`,
    );
    // a woken task must not preempt the running one before its slice ends: granularity > latency / 2
    expect(values.trim().split('\n').map(Number)).toEqual([24_000_000, 10_000_000, 15_000_000]);
  });
});

describe('LXC', () => {
  it('creates, starts, attaches to, stops and destroys a busybox container', async () => {
    const vm = guest.vm();
    await ok(vm, 'lxc-create -t busybox -n c1 >/dev/null', 300_000);
    await ok(vm, 'lxc-start -n c1');
    const ps = await ok(vm, 'lxc-attach -n c1 -- ps | cat');
    expect(ps).toMatch(/init/);
    expect(await ok(vm, 'lxc-ls -f')).toMatch(/c1\s+RUNNING/);
    await ok(vm, 'lxc-stop -n c1 -k');
    expect(await ok(vm, 'lxc-info -n c1 -s')).toMatch(/STOPPED/);
    await ok(vm, 'lxc-destroy -n c1');
  });
});
