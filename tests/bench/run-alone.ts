/** A benchmark module run on its own (`npx tsx tests/bench/<name>.ts [--image DIR]`): its figures as JSON, then its rows. */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface BenchRow {
  what: string;
  value: string;
  goal?: string;
}

/** Runs `measure` and prints its rows when `moduleUrl` is the script Node was started with. */
export async function runAlone<F>(
  moduleUrl: string,
  measure: (imageDir: string | undefined, log: (m: string) => void) => Promise<F>,
  rows: (f: F) => BenchRow[],
): Promise<void> {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  const { values } = parseArgs({ options: { image: { type: 'string' } } });
  const f = await measure(values.image, (m) => console.error(`bench: ${m}`));
  console.log(JSON.stringify(f));
  for (const row of rows(f)) console.log(`| ${row.what} | ${row.value} | ${row.goal ?? ''} |`);
  process.exit(0);
}
