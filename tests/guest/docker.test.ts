/** The Docker CLI of the course, against the real dockerd in the guest: containers and images. */
import { describe, expect, it } from 'vitest';
import { DOCKER_WARM_UP, warmUp, warmUpSteps } from '../../src/vm/warm-up';
import { ok, run, useGuest } from './use-guest';

const guest = useGuest();

describe('containers', () => {
  it('runs a command and removes the container (--rm, -e)', async () => {
    expect((await ok(guest.vm(), `docker run --rm -e GREETING=hello busybox sh -c 'echo $GREETING'`)).trim()).toBe('hello');
  });

  it('runs interactively with a terminal (-it)', async () => {
    const out = await ok(guest.vm(), `script -qec "docker run -it --rm busybox sh -c 'tty; exit 3'" /dev/null; echo "exit=$?"`);
    expect(out).toMatch(/\/dev\/pts\/0/);
    expect(out).toMatch(/exit=3/);
  });

  it('takes a detached container through its lifecycle', async () => {
    const vm = guest.vm();
    const id = (await ok(vm, `docker run -d --name life --init busybox sh -c 'echo started; sleep 3600'`)).trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(await ok(vm, 'docker ps --format "{{.Names}} {{.Status}}"')).toMatch(/life Up/);
    expect(await ok(vm, 'docker logs life')).toContain('started');
    expect((await ok(vm, 'docker exec life cat /etc/hostname')).trim()).toBe(id.slice(0, 12));
    expect(await ok(vm, 'docker top life')).toMatch(/sleep 3600/);
    expect((await ok(vm, `docker inspect -f '{{.State.Running}}' life`)).trim()).toBe('true');
    await ok(vm, 'docker stop -t 1 life');
    expect((await ok(vm, `docker inspect -f '{{.State.Status}}' life`)).trim()).toBe('exited');
    await ok(vm, 'docker start life');
    await ok(vm, 'docker restart -t 1 life');
    expect((await ok(vm, `docker inspect -f '{{.RestartCount}} {{.State.Running}}' life`)).trim()).toMatch(/true$/);
    await ok(vm, 'docker kill life');
    expect((await ok(vm, `docker inspect -f '{{.State.Status}}' life`)).trim()).toBe('exited');
    await ok(vm, 'docker rm life');
    expect(await ok(vm, 'docker ps -a --format "{{.Names}}"')).not.toMatch(/\blife\b/);
  });

  it("starts containerd's shim once per container and crun once per call, and still cleans up after a shim that dies", async () => {
    const vm = guest.vm();
    // the programs a command executes, from the kernel's exec events, after its own output
    const t = '/sys/kernel/tracing';
    const traced = (command: string) =>
      ok(
        vm,
        `[ -d ${t}/events ] || mount -t tracefs none ${t}; echo 1 > ${t}/events/sched/sched_process_exec/enable; echo > ${t}/trace; ` +
          `echo 1 > ${t}/tracing_on; ${command}; sleep 1; echo 0 > ${t}/tracing_on; ` +
          `echo 0 > ${t}/events/sched/sched_process_exec/enable; grep -o 'filename=[^ ]*' ${t}/trace`,
      );
    const execs = await traced('docker run --rm busybox true');
    // labbox-shim does the `start` itself and spares the clean-up run: the real shim runs only as the daemon
    expect(execs.match(/containerd-shim-runc-v2\.real$/gm)).toHaveLength(1);
    // a case it leaves to the real shim's own start (a shim group): the container runs all the same
    const grouped = await traced('docker run --rm --annotation io.containerd.runc.v2.group=labbox busybox echo grouped');
    expect(grouped).toMatch(/^grouped$/m);
    expect(grouped.match(/containerd-shim-runc-v2\.real$/gm)).toHaveLength(2);
    // create, start, delete: crun sits on a read-only mount, so it does not start itself again from a handle to its binary
    expect(execs.match(/^filename=\/usr\/bin\/crun$/gm)).toHaveLength(3);
    expect(execs).not.toMatch(/filename=\/(dev|proc\/self)\/fd\//);
    expect((await run(vm, 'echo >> /usr/bin/crun')).stderr).toMatch(/Read-only file system/);
    expect(await ok(vm, 'ls /run/containerd/io.containerd.runtime.v2.task/moby/')).toBe('');
    // a shim killed under a running container: containerd's clean-up runs the real shim's delete
    const id = (await ok(vm, 'docker run -d --name orphan --init busybox sleep 3600')).trim();
    // the daemon labbox-shim started looks as the Go start leaves it: its socket named by the
    // address's sha256, its own process group, containerd's OOM score + 1, one Go P
    const daemon = await ok(
      vm,
      `b=/run/containerd/io.containerd.runtime.v2.task/moby/${id}; cat $b/address; echo; printf %s /run/containerd/containerd.sock/moby/${id} | sha256sum; ` +
        `p=$(pgrep -f '[c]ontainerd-shim-runc-v2.real .*-id ${id}'); ps -o pid=,pgid= -p $p; ` +
        `echo $(( $(cat /proc/$(pidof containerd)/oom_score_adj) + 1 )) $(cat /proc/$p/oom_score_adj); tr '\\0' '\\n' < /proc/$p/environ | grep GOMAXPROCS`,
    );
    const [address, sum, ids, scores, procs] = daemon.trim().split('\n');
    expect(address).toBe(`unix:///run/containerd/s/${sum.split(' ')[0]}`);
    expect(ids).toMatch(/^\s*(\d+)\s+\1$/);
    expect(scores).toMatch(/^(-?\d+) \1$/);
    expect(procs).toBe('GOMAXPROCS=1');
    await ok(vm, `kill -9 $(pgrep -f '[c]ontainerd-shim-runc-v2.real .*-id ${id}')`);
    await ok(vm, `for i in $(seq 60); do [ "$(docker inspect -f '{{.State.Running}}' orphan)" = false ] && exit 0; sleep 1; done; exit 1`);
    await ok(vm, 'docker rm orphan');
    expect((await run(vm, `ls /run/docker/runtime-runc/moby/${id}`)).exitCode).not.toBe(0);
    expect(await ok(vm, 'grep -c " overlay " /proc/mounts || true')).toBe('0\n');
  });

  it('starts a docker CLI relocated at build time: a fixed-address executable, the same client', async () => {
    const vm = guest.vm();
    expect((await ok(vm, 'od -An -tu2 -j16 -N2 /usr/bin/docker')).trim()).toBe('2'); // ET_EXEC (images/prelink.ts)
    // loaded where it was linked, in every process (a PIE lands at a random address)
    const bases = await ok(
      vm,
      `for i in 1 2; do docker events & p=$!; sleep 1; grep -m1 /usr/bin/docker /proc/$p/maps | cut -d- -f1; kill $p; wait $p; done; true`,
    );
    expect(bases.trim().split('\n')).toEqual(['08048000', '08048000']);
    expect(await ok(vm, `docker version --format '{{.Client.Version}} {{.Server.Version}}'`)).toMatch(/^26\.\S+ 26\.\S+$/m);
  });

  it('runs Go without asynchronous preemption, so a `docker ps` reads nothing more of its binary', async () => {
    const vm = guest.vm();
    // from the kernel's command line to init, the daemons, the agent's commands and login shells
    const env =
      'for p in dockerd containerd; do tr "\\0" "\\n" < /proc/$(pidof $p)/environ | grep ^GODEBUG=; done; echo "GODEBUG=$GODEBUG"; bash -lc \'echo "GODEBUG=$GODEBUG"\'';
    expect((await ok(vm, env)).trim().split('\n')).toEqual(Array(4).fill('GODEBUG=asyncpreemptoff=1'));
    // with it, each run looked up the PCs it was interrupted at and read pages of the CLI's
    // tables no run had read before: about 20 over five runs (readahead off, so only pages touched count)
    const growth =
      'ra=/sys/block/sda/queue/read_ahead_kb; kb=$(cat $ra); echo 0 > $ra; docker ps >/dev/null; a=$(fincore -n -o PAGES /usr/bin/docker); ' +
      'for i in 1 2 3 4 5; do docker ps >/dev/null; done; b=$(fincore -n -o PAGES /usr/bin/docker); echo $kb > $ra; echo $((b - a))';
    expect(Number(await ok(vm, growth))).toBeLessThanOrEqual(4);
  });

  it("runs the page's Docker warm-up to its end and leaves nothing behind", async () => {
    const vm = guest.vm();
    const state = 'docker ps -aq --no-trunc; docker images -q --no-trunc; docker volume ls -q; docker network ls -q';
    const before = await ok(vm, state);
    expect(await warmUpSteps(vm.agent)).toBe(DOCKER_WARM_UP);
    expect(await warmUp(vm.agent, DOCKER_WARM_UP)).toBe(DOCKER_WARM_UP.length);
    expect(await ok(vm, state)).toBe(before);
    // the trainee's first command stops it, and kills the step under way in the guest
    const running = new AbortController();
    const steps = warmUp(vm.agent, DOCKER_WARM_UP, running.signal);
    await ok(vm, 'for i in $(seq 100); do pgrep -x docker >/dev/null && exit 0; sleep 0.1; done; exit 1');
    running.abort();
    expect(await steps).toBe(0);
    await ok(vm, 'for i in $(seq 50); do pgrep -x docker >/dev/null || exit 0; sleep 0.2; done; exit 1');
  });

  it('enforces --memory and --pids-limit', async () => {
    const vm = guest.vm();
    const limits = await ok(vm, 'docker run --rm --memory 32m --pids-limit 10 busybox cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max');
    expect(limits.trim().split('\n')).toEqual([String(32 * 1024 * 1024), '10']);
    const oom = await run(vm, `docker run --rm --memory 32m busybox sh -c 'x=$(head -c 64000000 /dev/zero | tr "\\0" x); echo survived'`);
    expect(oom.exitCode).toBe(137);
    expect(oom.stdout).not.toContain('survived');
    const bomb = await run(vm, `docker run --rm --pids-limit 10 busybox sh -c 'for i in $(seq 30); do sleep 5 & done; wait' 2>&1`);
    expect(bomb.stdout + bomb.stderr).toMatch(/can't fork|Resource temporarily unavailable/i);
  });
});

describe('images', () => {
  it('lists the preloaded images', async () => {
    const images = await ok(guest.vm(), 'docker images --format "{{.Repository}}:{{.Tag}}"');
    expect(images).toMatch(/^busybox:latest$/m);
    expect(images).toMatch(/^nginx:latest$/m);
    expect(images).toMatch(/^debian:\w+-slim$/m);
  });

  it('builds a Dockerfile with FROM, RUN, COPY, ENV, WORKDIR, EXPOSE and CMD', async () => {
    const vm = guest.vm();
    await ok(
      vm,
      `mkdir -p /root/app && cd /root/app && echo 'hello from a layer' > message.txt && cat > Dockerfile <<'EOF'
FROM busybox
ENV WHO=trainee
WORKDIR /app
COPY message.txt .
RUN echo "built for $WHO" > built.txt
EXPOSE 8000
CMD ["sh", "-c", "cat message.txt built.txt"]
EOF`,
    );
    await ok(vm, 'cd /root/app && docker build -t lab/app:1 .', 300_000);
    expect(await ok(vm, 'docker run --rm lab/app:1')).toBe('hello from a layer\nbuilt for trainee\n');
    expect(await ok(vm, `docker inspect -f '{{.Config.WorkingDir}} {{json .Config.ExposedPorts}}' lab/app:1`)).toMatch(/\/app \{"8000\/tcp":\{\}\}/);
    expect(await ok(vm, 'docker history lab/app:1')).toMatch(/RUN|echo "built for/);
  });

  it('commits a container, shows its diff, tags and removes images', async () => {
    const vm = guest.vm();
    await ok(vm, `docker run --name changed busybox sh -c 'echo new > /newfile'`);
    expect(await ok(vm, 'docker diff changed')).toMatch(/^A \/newfile$/m);
    await ok(vm, 'docker commit changed lab/changed:1');
    expect((await ok(vm, 'docker run --rm lab/changed:1 cat /newfile')).trim()).toBe('new');
    await ok(vm, 'docker tag lab/changed:1 lab/changed:2 && docker rm changed');
    expect(await ok(vm, 'docker images lab/changed --format "{{.Tag}}"')).toMatch(/1\n2|2\n1/);
    await ok(vm, 'docker rmi lab/changed:1 lab/changed:2');
    expect(await ok(vm, 'docker images -q lab/changed')).toBe('');
  });

  it('saves and loads an image; exports and imports a container', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker save -o /tmp/busybox.tar busybox && docker tag busybox lab/keep && docker rmi busybox');
    expect(await ok(vm, 'docker load -i /tmp/busybox.tar')).toMatch(/Loaded image: busybox:latest/);
    await ok(vm, `docker rmi lab/keep && docker run --name exp busybox touch /exported && docker export -o /tmp/exp.tar exp && docker rm exp`);
    await ok(vm, 'docker import /tmp/exp.tar lab/imported:1 && rm /tmp/busybox.tar /tmp/exp.tar');
    expect((await ok(vm, 'docker run --rm lab/imported:1 ls /exported')).trim()).toBe('/exported');
  });

  it('pushes to and pulls from the local registry on localhost:5000', async () => {
    const vm = guest.vm();
    await ok(vm, 'docker tag lab/imported:1 localhost:5000/lab/imported:1 && docker push localhost:5000/lab/imported:1');
    await ok(vm, 'docker rmi localhost:5000/lab/imported:1 lab/imported:1');
    expect(await ok(vm, 'docker pull localhost:5000/lab/imported:1')).toMatch(/Downloaded newer image|Image is up to date/);
    expect(await ok(vm, 'curl -s http://localhost:5000/v2/_catalog')).toMatch(/"busybox".*"lab\/imported"|"lab\/imported".*"busybox"/);
    await ok(vm, 'docker rmi busybox && docker pull localhost:5000/busybox && docker tag localhost:5000/busybox busybox');
  });

  it('fails clearly for an image that exists nowhere', async () => {
    const r = await run(guest.vm(), 'docker run --rm no-such-image-here', 120_000);
    expect(r.exitCode).toBe(125);
    expect(r.stderr).toMatch(/Unable to find image|pull access denied|error/i);
  });
});
