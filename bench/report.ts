/** One benchmark figure, printed as a JSON line: the only output `npm run bench` makes on stdout. */
export function report(name: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ name, value: Number(value.toFixed(3)), unit })}\n`);
}

export { percentile } from '../test/support/percentile.js';
