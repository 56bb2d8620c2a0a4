// One table per benchmark: each figure, the reference measured in the same run, their ratio, and the target.

export interface Row {
  figure: string;
  value: number;
  unit: string;
  /** The reference this figure is compared with, measured in the same run. */
  reference?: { name: string; value: number; unit?: string };
  /** value / reference.value unless given; NaN when the two are not comparable (shown as '-'). */
  ratio?: number;
  target?: string;
  /** Undefined when the figure has no target. */
  met?: boolean;
  /** A difference of two measurements (e.g. RSS growth): noise can make it negative when it is small. */
  delta?: boolean;
}

export interface BenchResult {
  id: string;
  title: string;
  rows: Row[];
  notes: string[];
  ms: number;
}

export function ratioOf(row: Row): number | undefined {
  if (row.ratio !== undefined) return row.ratio;
  if (!row.reference || row.reference.value === 0 || !Number.isFinite(row.reference.value)) return undefined;
  return row.value / row.reference.value;
}

export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 100_000) return Math.round(value).toLocaleString('en-US');
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  if (abs === 0) return '0';
  return value.toPrecision(2);
}

export function renderTable(result: BenchResult): string {
  const header = ['figure', 'value', 'reference (same run)', 'ref value', 'ratio', 'target', 'met'];
  const lines = result.rows.map((row) => {
    const ratio = ratioOf(row);
    return [
      row.figure,
      `${fmt(row.value)} ${row.unit}`.trim(),
      row.reference?.name ?? '-',
      row.reference ? `${fmt(row.reference.value)} ${row.reference.unit ?? row.unit}`.trim() : '-',
      ratio === undefined || Number.isNaN(ratio) ? '-' : `${ratio.toFixed(ratio >= 10 ? 1 : 2)}x`,
      row.target ?? '-',
      row.met === undefined ? '' : row.met ? 'yes' : 'NO',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ') + ' |';
  const out = [`## ${result.title}  (${(result.ms / 1000).toFixed(1)} s)`, line(header), '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'];
  for (const l of lines) out.push(line(l));
  for (const note of result.notes) out.push(`  - ${note}`);
  return out.join('\n');
}
