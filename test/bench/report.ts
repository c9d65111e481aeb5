/** One benchmark figure, printed as one JSON line (the format the developers' guide prescribes). */
export interface Figure {
  bench: string;
  figure: string;
  value: number;
  unit: string;
  baseline: number | null;
  ratio: number | null;
}

export function emit(bench: string, figure: string, value: number, unit: string, baseline: number | null = null): void {
  const line: Figure = {
    bench,
    figure,
    value: round(value),
    unit,
    baseline: baseline === null ? null : round(baseline),
    ratio: baseline === null || baseline === 0 ? null : round(value / baseline),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

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

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}
