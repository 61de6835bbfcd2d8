/** Numbers as the tables write them: sizes in MiB and GiB, as browsers count storage and memory. */

/** "4.2", "77": one decimal under 10 MiB. */
export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(bytes < 10 * 2 ** 20 ? 1 : 0);
}

/** "1.5": one decimal. */
export function gib(bytes: number): string {
  return (bytes / 2 ** 30).toFixed(1);
}

/** A whole percentage of `total`. */
export function percentOf(part: number, total: number): number {
  return Math.floor((100 * part) / total);
}

/** A decimal point as French writes it. */
export const comma = (n: string | number) => String(n).replace('.', ',');
