// Benchmarks and the match:eval command print their results in the same one-line JSON shape.
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

function round(value: number): number {
  return Math.abs(value) >= 100 ? Math.round(value) : Math.round(value * 1000) / 1000;
}
