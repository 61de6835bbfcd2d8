/** Numbers as the tables write them: sizes in MiB and GiB, as browsers count storage and memory; clock times. */

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

/** HH:MM, or HH:MM:SS, without Intl: the first toLocaleTimeString() loads locale data in one long task. */
export function clockTime(d: Date, seconds = false): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}${seconds ? `:${two(d.getSeconds())}` : ''}`;
}
