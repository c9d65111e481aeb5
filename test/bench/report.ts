export { emit, type Figure } from '../../src/lib/figures.js';

export function note(message: string): void {
  process.stderr.write(`${message}\n`);
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)]!;
}

export function timeEach<T>(inputs: T[], run: (input: T) => unknown): number[] {
  const samples: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    run(input);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}

export async function timeEachAsync<T>(inputs: T[], run: (input: T) => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (const input of inputs) {
    const started = performance.now();
    await run(input);
    samples.push(performance.now() - started);
  }
  return samples.sort((a, b) => a - b);
}
