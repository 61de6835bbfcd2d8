/** images/prelink.ts on a small i386 PIE built here, run natively before and after (the host runs i386 code, as the image build does). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_BASE, prelink } from '../../images/prelink';

// pointers in data and read-only data (relative relocations), a constructor, TLS, libc through the PLT
const SOURCE = `
#include <stdio.h>
static const char *names[] = {"alpha", "beta", "gamma"};
static int twice(int x) { return 2 * x; }
static int add1(int x) { return x + 1; }
static int (*const ops[])(int) = {twice, add1};
static int ready;
__attribute__((constructor)) static void init(void) { ready = 42; }
__thread int counter = 5;
int main(int argc, char **argv) {
  (void)argv;
  counter += argc;
  printf("%s %s %s %d %d %d %d\\n", names[0], names[1], names[2], ops[0](20), ops[1](20), ready, counter);
  printf("%p\\n", (void *)main);
  return 0;
}
`;

const dir = mkdtempSync(path.join(tmpdir(), 'labbox-prelink-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function build(name: string, flags: string[]): string {
  const out = path.join(dir, name);
  writeFileSync(`${out}.c`, SOURCE);
  execFileSync('gcc', ['-m32', '-O1', ...flags, '-o', out, `${out}.c`]);
  return out;
}
const run = (file: string) => execFileSync(file, [], { encoding: 'utf8' }).split('\n');
const relocations = (file: string) => execFileSync('readelf', ['-r', '-W', file], { encoding: 'utf8' });

describe('prelink', () => {
  it('turns a PIE into a fixed-address executable that runs the same, its relative relocations applied', () => {
    const pie = build('pie', ['-fPIE', '-pie']);
    const [before, randomAddress] = run(pie);
    expect(before).toBe('alpha beta gamma 40 21 42 6');
    expect(relocations(pie)).toMatch(/R_386_RELATIVE/);

    const elf = readFileSync(pie);
    const { applied, kept } = prelink(elf);
    expect(applied).toBeGreaterThan(3);
    expect(kept).toBeGreaterThan(0); // printf's PLT slot, libc's symbols
    const fixed = path.join(dir, 'fixed');
    writeFileSync(fixed, elf, { mode: 0o755 });

    expect(execFileSync('readelf', ['-h', fixed], { encoding: 'utf8' })).toMatch(/Type:\s+EXEC/);
    expect(relocations(fixed)).not.toMatch(/R_386_RELATIVE/);
    const [after, address] = run(fixed);
    expect(after).toBe(before);
    expect(Number(address)).toBeGreaterThan(DEFAULT_BASE);
    expect(run(fixed)[1]).toBe(address); // loaded where it was linked, every time
    expect(address).not.toBe(randomAddress);
  });

  it('refuses what it cannot relocate, saying why, and leaves it unchanged', () => {
    const exec = readFileSync(build('exec', ['-no-pie']));
    const copy = Buffer.from(exec);
    expect(() => prelink(exec)).toThrow(/not position-independent/);
    expect(exec.equals(copy)).toBe(true);
    const library = readFileSync(build('library.so', ['-fPIC', '-shared']));
    expect(() => prelink(library)).toThrow(/shared library/);
    expect(() => prelink(new TextEncoder().encode('#!/bin/sh\necho not an ELF file\n'.padEnd(64)))).toThrow(/not a 32-bit/);
    expect(() => prelink(readFileSync(build('pie2', ['-fPIE', '-pie'])), 0x1234)).toThrow(/page address/);
  });
});
