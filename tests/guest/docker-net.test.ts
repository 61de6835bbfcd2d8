/** Docker networks, volumes, published ports, Compose and Swarm in the real guest. */
import { describe, expect, it } from 'vitest';
import { ok, useGuest } from './use-guest';

const guest = useGuest();

describe('networks, volumes, ports', () => {
  it('two containers on a user network reach each other by name', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker network create labnet');
    await ok(vm, 'docker run -d --name srv --network labnet --init busybox sleep 3600');
    expect(await ok(vm, 'docker run --rm --network labnet busybox ping -c 1 -W 5 srv')).toMatch(/1 packets received/);
    await ok(vm, 'docker rm -f srv && docker network rm labnet');
  });

  it("hands a container's network namespace to dockerd through labbox-crun's hook, not a second dockerd", async () => {
    const vm = guest.vm();
    await ok(vm, 'docker run -d --name keyed --init busybox sleep 3600');
    const id = (await ok(vm, "docker inspect -f '{{.Id}}' keyed")).trim();
    const config = await ok(vm, `cat /run/containerd/io.containerd.runtime.v2.task/moby/${id}/config.json`);
    expect(config).toMatch(/"path":"\/usr\/local\/sbin\/labbox-crun","args":\["libnetwork-setkey"/);
    expect(config).not.toMatch(/\/proc\/\d+\/exe/);
    expect(await ok(vm, 'docker exec keyed ip -o -4 addr show eth0')).toMatch(/inet 172\.17\./);
    await ok(vm, 'docker rm -f keyed');
    // a hook that cannot reach dockerd fails, and says why
    const r = await vm.exec(`echo '{"pid": 1}' | bash -c 'exec -a libnetwork-setkey /usr/local/sbin/labbox-crun -exec-root=/var/run/docker abc nosuch'`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/libnetwork\/nosuch\.sock: No such file or directory/);
  });

  it('a named volume keeps data between containers', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker volume create labdata');
    await ok(vm, `docker run --rm -v labdata:/data busybox sh -c 'echo kept > /data/file'`);
    expect((await ok(vm, 'docker run --rm -v labdata:/data busybox cat /data/file')).trim()).toBe('kept');
    expect(await ok(vm, 'docker volume ls -q')).toMatch(/^labdata$/m);
  });

  it('publishes nginx on port 8080 of the guest (-p 8080:80)', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker run -d --name web -p 8080:80 nginx');
    await vm.waitFor('curl -sf http://localhost:8080/ >/dev/null', 60_000);
    expect(await ok(vm, 'curl -s http://localhost:8080/')).toMatch(/nginx/i);
    await ok(vm, 'docker rm -f web');
  });
});

describe('Compose and Swarm', () => {
  it('docker compose up -d starts a two-service application', async () => {
    const vm = guest.vm();
    await ok(
      vm,
      `mkdir -p /root/stack && cat > /root/stack/compose.yaml <<'EOF'
services:
  web:
    image: nginx
  client:
    image: busybox
    init: true
    command: sleep 3600
EOF`,
    );
    await ok(vm, 'cd /root/stack && docker compose up -d', 300_000);
    expect(await ok(vm, 'cd /root/stack && docker compose ps --format "{{.Service}} {{.State}}"')).toMatch(
      /client running[\s\S]*web running|web running[\s\S]*client running/,
    );
    await vm.waitFor('cd /root/stack && docker compose exec -T client wget -q -O /dev/null http://web/', 60_000);
    await ok(vm, 'cd /root/stack && docker compose down', 300_000);
    expect(await ok(vm, 'docker ps -q')).toBe('');
  });

  it('docker swarm init and a service with two replicas', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker swarm init --advertise-addr eth0', 300_000);
    // --init, as for every `sleep` container of these tests: busybox's sleep as PID 1 ignores
    // SIGTERM, so each task would take its whole 10-s stop grace period, and `swarm leave --force`
    // right after the rm waits for the tasks' stop inside its own 15-s budget (docs/design/swarm-deadlines.md)
    await ok(vm, 'docker service create --detach --init --name sleepers --replicas 2 busybox sleep 3600');
    await vm.waitFor(`[ "$(docker service ls --filter name=sleepers --format '{{.Replicas}}')" = 2/2 ]`, 240_000);
    expect(await ok(vm, `docker service ps sleepers --format '{{.CurrentState}}'`)).toMatch(/Running[\s\S]*Running/);
    await ok(vm, 'docker service rm sleepers && docker swarm leave --force', 300_000);
  });
});
