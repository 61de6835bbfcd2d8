/** The inspector's data from the real guest: a container with limits, its namespaces, its network. */
import { describe, expect, it } from 'vitest';
import { COLLECT_SCRIPT } from '../../src/inspector/collect';
import { parseGuestView } from '../../src/inspector/parse';
import { ok, useGuest } from './use-guest';

const guest = useGuest();

describe('inspector', () => {
  it('sees a container started with --memory and --pids-limit, with its limits, namespaces and network', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker run -d --name limited --memory 32m --pids-limit 20 -p 8085:80 nginx');
    await ok(vm, 'lxc-create -n lxc1 -t busybox >/dev/null && lxc-start -n lxc1', 120_000);
    await vm.waitFor('lxc-info -n lxc1 -s | grep -q RUNNING', 60_000);
    const view = parseGuestView(await ok(vm, COLLECT_SCRIPT, 60_000));

    const c = view.containers.find((x) => x.name === 'limited');
    expect(c, JSON.stringify(view.containers)).toMatchObject({ engine: 'docker', running: true, image: 'nginx', ports: ['8085->80/tcp'] });
    const group = view.cgroups.find((g) => g.path === c!.cgroup);
    expect(group).toMatchObject({ memoryMax: 32 * 2 ** 20, pidsMax: 20 });
    expect(group!.memory).toBeGreaterThan(0);

    // its first process is in its own PID, mount, net, UTS and IPC namespaces
    const init = view.processes.find((p) => p.pid === c!.pid)!;
    for (const type of ['pid', 'mnt', 'net', 'uts', 'ipc'] as const) {
      expect(view.namespaces.find((n) => n.type === type && n.inode === init.ns[type])?.initial, type).toBe(false);
    }
    // its eth0 is one end of a veth whose other end is plugged into docker0
    const eth0 = c!.interfaces.find((i) => i.name === 'eth0')!;
    expect(eth0.addresses.some((a) => a.address.startsWith('172.17.'))).toBe(true);
    expect(view.interfaces.find((i) => i.ifindex === eth0.peerIfindex)).toMatchObject({ kind: 'veth', master: 'docker0' });

    expect(view.containers.find((x) => x.engine === 'lxc' && x.name === 'lxc1')).toMatchObject({ running: true });
    expect(view.cost!.busyTicks).toBeGreaterThan(0);
    await ok(vm, 'docker rm -f limited; lxc-stop -n lxc1 -k; lxc-destroy -n lxc1', 120_000);
  });
});
