/** The headless runner (`npm run vm`) as an instructor uses it: real guest, real exit codes. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
function vm(...args: string[]) {
  return vmWithInput('', ...args);
}
function vmWithInput(input: string, ...args: string[]) {
  const r = spawnSync(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'src/cli/vm.ts'), ...args], {
    encoding: 'utf8',
    input,
    timeout: 600_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('npm run vm', () => {
  it('passes output and a non-zero exit code through', () => {
    const r = vm('exec', 'echo out; echo err >&2; uname -m; exit 3');
    expect(r.stdout).toBe('out\ni686\n');
    expect(r.stderr).toContain('err');
    expect(r.code).toBe(3);
  });

  it('gives a login shell on a terminal of its own', () => {
    const r = vmWithInput('tty; echo "pty-$((6 * 7))"; exit 7\n', 'shell');
    expect(r.stdout).toMatch(/\/dev\/pts\/\d+/);
    expect(r.stdout).toContain('pty-42');
    expect(r.code).toBe(7);
  });

  it('starts the machines of a lab with --lab, and runs the command on the node --node names', () => {
    const r = vm('exec', '--lab', 'swarm-cluster', '--node', 'node2', 'hostname; ping -c1 -W10 node1 >/dev/null && echo reached-node1');
    expect(r.stdout).toBe('node2\nreached-node1\n');
    expect(r.code).toBe(0);
    const unknown = vm('exec', '--lab', 'no-such-lab', 'true');
    expect(unknown.code).toBe(125);
    expect(unknown.stderr).toMatch(/no built-in lab "no-such-lab"; the labs are: namespaces, /);
  });

  it('reports an unknown command with its real exit code and stderr', () => {
    const r = vm('exec', 'no-such-command --flag');
    expect(r.code).toBe(127);
    expect(r.stderr).toMatch(/no-such-command: (not found|command not found)/);
  });

  it('gives a clear error, not a hang, when the guest does not finish in time', () => {
    const r = vm('exec', '--timeout', '5', 'sleep 120');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/did not finish `sleep 120` within 5 s/);
  });

  it('says how to build the image when there is none', () => {
    const r = vm('exec', '--image', '/nonexistent', 'true');
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/no guest image at \/nonexistent .*npm run build:image/);
  });

  it('refuses a corrupt snapshot with a clear message', async () => {
    const { mkdtempSync, cpSync, writeFileSync, readFileSync, rmSync } = await import('node:fs');
    const os = await import('node:os');
    const dist = path.join(root, 'images/out/dist');
    const copy = mkdtempSync(path.join(os.tmpdir(), 'labbox-corrupt-'));
    cpSync(dist, copy, { recursive: true });
    const manifest = JSON.parse(readFileSync(path.join(copy, 'manifest.json'), 'utf8'));
    writeFileSync(path.join(copy, manifest.files.state.path), 'not a snapshot');
    const r = vm('exec', '--image', copy, 'true');
    rmSync(copy, { recursive: true, force: true });
    expect(r.code).toBe(125);
    expect(r.stderr).toMatch(/the snapshot state\.bin\.zst is corrupt .*npm run build:image/);
  });
});
