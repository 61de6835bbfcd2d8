/**
 * Turns an i386 position-independent executable into a fixed-address one (ET_EXEC at BASE),
 * its relative relocations applied once, at image-build time, instead of by ld.so at every
 * start. Same machine code, same data; only the load address stops being random.
 *
 * Why: Debian builds the docker CLI as a PIE. Each start in the guest, ld.so adds the load
 * address to 116 000 pointers spread over 550 pages of Go's read-only data, which copies
 * those pages (550 copy-on-write faults) before `main` runs: paid on every command a trainee
 * types, in the emulator (docs/design/prelinked-cli.md).
 *
 * Usage: prelink.ts FILE [BASE]   (rewrites FILE in place; BASE defaults to 0x08048000)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export const DEFAULT_BASE = 0x08048000;

const ET_EXEC = 2,
  ET_DYN = 3,
  EM_386 = 3;
const PT_LOAD = 1,
  PT_DYNAMIC = 2,
  PT_INTERP = 3,
  PT_GNU_STACK = 0x6474e551;
const SHF_ALLOC = 2,
  SHT_SYMTAB = 2,
  SHT_DYNSYM = 11,
  SHN_LORESERVE = 0xff00,
  STT_TLS = 6;
const R_386_32 = 1,
  R_386_GLOB_DAT = 6,
  R_386_JMP_SLOT = 7,
  R_386_RELATIVE = 8,
  R_386_IRELATIVE = 42;
const R_386_TLS_TPOFF = 14,
  R_386_TLS_DTPMOD32 = 35,
  R_386_TLS_DTPOFF32 = 36,
  R_386_TLS_TPOFF32 = 37;
/** relocations whose target is a symbol (or a TLS offset): ld.so still does them, at the moved address */
const SYMBOL_RELOCATIONS = new Set([R_386_32, R_386_GLOB_DAT, R_386_TLS_TPOFF, R_386_TLS_DTPMOD32, R_386_TLS_DTPOFF32, R_386_TLS_TPOFF32]);

const DT = {
  NULL: 0,
  PLTRELSZ: 2,
  PLTGOT: 3,
  HASH: 4,
  STRTAB: 5,
  SYMTAB: 6,
  RELA: 7,
  INIT: 12,
  FINI: 13,
  REL: 17,
  RELSZ: 18,
  PLTREL: 20,
  TEXTREL: 22,
  JMPREL: 23,
  INIT_ARRAY: 25,
  FINI_ARRAY: 26,
  PREINIT_ARRAY: 32,
  GNU_HASH: 0x6ffffef5,
  VERSYM: 0x6ffffff0,
  RELCOUNT: 0x6ffffffa,
  FLAGS_1: 0x6ffffffb,
  VERDEF: 0x6ffffffc,
  VERNEED: 0x6ffffffe,
} as const;
/** dynamic entries that hold an address */
const DT_ADDRESSES = new Set<number>([
  DT.PLTGOT,
  DT.HASH,
  DT.STRTAB,
  DT.SYMTAB,
  DT.RELA,
  DT.INIT,
  DT.FINI,
  DT.REL,
  DT.JMPREL,
  DT.INIT_ARRAY,
  DT.FINI_ARRAY,
  DT.PREINIT_ARRAY,
  DT.GNU_HASH,
  DT.VERSYM,
  DT.VERDEF,
  DT.VERNEED,
]);
const DF_1_PIE = 0x08000000;

export interface PrelinkResult {
  /** relative relocations applied */
  applied: number;
  /** relocations left to ld.so (symbols, lazy PLT slots) */
  kept: number;
}

/** Rewrites `elf` (an i386 PIE, loaded at 0) in place into an ET_EXEC loaded at `base`. */
export function prelink(elf: Uint8Array, base = DEFAULT_BASE): PrelinkResult {
  const view = new DataView(elf.buffer, elf.byteOffset, elf.byteLength);
  const u32 = (at: number) => view.getUint32(at, true);
  const u16 = (at: number) => view.getUint16(at, true);
  const set32 = (at: number, value: number) => view.setUint32(at, value >>> 0, true);
  const fail = (why: string): never => {
    throw new Error(`prelink: ${why}`);
  };

  if (u32(0) !== 0x464c457f || elf[4] !== 1 || elf[5] !== 1 || u16(18) !== EM_386) fail('not a 32-bit little-endian i386 ELF file');
  if (u16(16) !== ET_DYN) fail('not position-independent (ELF type is not ET_DYN)');
  if (base % 0x1000 !== 0 || base === 0) fail(`base 0x${base.toString(16)} is not a non-zero page address`);

  const [phoff, phentsize, phnum] = [u32(28), u16(42), u16(44)];
  const [shoff, shentsize, shnum] = [u32(32), u16(46), u16(48)];
  const segments = Array.from({ length: phnum }, (_, i) => {
    const at = phoff + i * phentsize;
    return { at, type: u32(at), offset: u32(at + 4), vaddr: u32(at + 8), filesz: u32(at + 16) };
  });
  const loads = segments.filter((s) => s.type === PT_LOAD);
  if (!segments.some((s) => s.type === PT_INTERP)) fail('no program interpreter: a shared library, not an executable');
  if (loads[0]?.vaddr !== 0) fail('its first loadable segment is not at address 0');
  /** the file offset of a virtual address (in the file-backed part of a loaded segment) */
  const offsetOf = (vaddr: number, size = 4): number => {
    const s = loads.find((l) => vaddr >= l.vaddr && vaddr + size <= l.vaddr + l.filesz);
    return s ? s.offset + vaddr - s.vaddr : fail(`address 0x${vaddr.toString(16)} is not in the file`);
  };
  /** adds the base to the address stored at `vaddr` */
  const moveStored = (vaddr: number) => {
    const at = offsetOf(vaddr);
    set32(at, u32(at) + base);
  };

  const dynamic = segments.find((s) => s.type === PT_DYNAMIC) ?? fail('no dynamic section');
  const entries: { at: number; tag: number; value: number }[] = [];
  for (let at = dynamic.offset; u32(at) !== DT.NULL; at += 8) entries.push({ at, tag: u32(at), value: u32(at + 4) });
  const dyn = (tag: number) => entries.find((e) => e.tag === tag);
  if (dyn(DT.RELA) || dyn(DT.TEXTREL)) fail('RELA or text relocations: not a GNU i386 PIE');
  if (dyn(DT.JMPREL) && dyn(DT.PLTREL)?.value !== DT.REL) fail('PLT relocations are not REL');

  let applied = 0,
    kept = 0;
  // .rel.dyn: apply the relative relocations, move the others' targets, compact the table
  const rel = dyn(DT.REL),
    relsz = dyn(DT.RELSZ);
  if (rel && relsz) {
    const table = offsetOf(rel.value, relsz.value);
    const keep: [number, number][] = [];
    for (let at = table; at < table + relsz.value; at += 8) {
      const [offset, info] = [u32(at), u32(at + 4)];
      const type = info & 0xff;
      if (type === R_386_RELATIVE) {
        moveStored(offset);
        applied++;
      } else if (type === R_386_IRELATIVE || SYMBOL_RELOCATIONS.has(type)) {
        if (type === R_386_IRELATIVE) moveStored(offset); // the resolver's address
        keep.push([offset + base, info]);
      } else fail(`relocation type ${type} at 0x${offset.toString(16)} is not handled`);
    }
    elf.fill(0, table, table + relsz.value);
    keep.forEach(([offset, info], i) => (set32(table + 8 * i, offset), set32(table + 8 * i + 4, info)));
    set32(relsz.at + 4, keep.length * 8);
    kept += keep.length;
  }
  // .rel.plt: lazy binding starts from the slot's stored address, which moves with the code
  const jmprel = dyn(DT.JMPREL),
    pltrelsz = dyn(DT.PLTRELSZ);
  if (jmprel && pltrelsz) {
    const table = offsetOf(jmprel.value, pltrelsz.value);
    for (let at = table; at < table + pltrelsz.value; at += 8) {
      const type = u32(at + 4) & 0xff;
      if (type !== R_386_JMP_SLOT && type !== R_386_IRELATIVE) fail(`PLT relocation type ${type} is not handled`);
      moveStored(u32(at));
      set32(at, u32(at) + base);
      kept++;
    }
  }
  for (const e of entries) {
    if (DT_ADDRESSES.has(e.tag) && e.value !== 0) set32(e.at + 4, e.value + base);
    if (e.tag === DT.RELCOUNT) set32(e.at + 4, 0);
    if (e.tag === DT.FLAGS_1) set32(e.at + 4, e.value & ~DF_1_PIE);
  }

  // symbols: addresses in allocated sections move; TLS offsets, absolute and undefined ones do not
  const sections = Array.from({ length: shnum }, (_, i) => {
    const at = shoff + i * shentsize;
    return { at, type: u32(at + 4), flags: u32(at + 8), addr: u32(at + 12), offset: u32(at + 16), size: u32(at + 20), entsize: u32(at + 36) };
  });
  for (const s of sections.filter((s) => s.type === SHT_SYMTAB || s.type === SHT_DYNSYM)) {
    for (let at = s.offset; at + 16 <= s.offset + s.size; at += s.entsize || 16) {
      const shndx = u16(at + 14);
      const moves = shndx !== 0 && shndx < SHN_LORESERVE && (sections[shndx]?.flags & SHF_ALLOC) !== 0 && (elf[at + 12] & 0xf) !== STT_TLS;
      if (moves) set32(at + 4, u32(at + 4) + base);
    }
  }
  for (const s of sections) if (s.flags & SHF_ALLOC) set32(s.at + 12, s.addr + base);
  for (const s of segments) {
    if (s.type === PT_GNU_STACK) continue;
    set32(s.at + 8, s.vaddr + base);
    set32(s.at + 12, u32(s.at + 12) + base);
  }
  view.setUint16(16, ET_EXEC, true);
  set32(24, u32(24) + base);
  return { applied, kept };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, baseArg] = process.argv.slice(2);
  if (!file) {
    console.error('usage: prelink.ts FILE [BASE]');
    process.exit(2);
  }
  const elf = readFileSync(file);
  const { applied, kept } = prelink(elf, baseArg ? Number(baseArg) : DEFAULT_BASE);
  writeFileSync(file, elf);
  console.log(`${file}: ${applied} relative relocations applied, ${kept} left to ld.so`);
}
