// Hearth's own metrics, rendered in the Prometheus text exposition format (version 0.0.4) at
// GET /hearth/metrics. Counters and histograms are recorded by the code that owns the event;
// gauges are read when the page is rendered. One registry per Hearth, made in main.ts.
// https://prometheus.io/docs/instrumenting/exposition_formats/

type Labels = Readonly<Record<string, string>>;

interface Family {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram';
  render(): string[];
}

export class Counter {
  private readonly values = new Map<string, number>();

  inc(labels: Labels = {}, by = 1): void {
    const key = labelText(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  /** The count for exactly these labels (tests, the console). */
  get(labels: Labels = {}): number {
    return this.values.get(labelText(labels)) ?? 0;
  }

  render(name: string): string[] {
    return [...this.values].map(([labels, value]) => `${name}${labels} ${value}`);
  }
}

export class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();

  /** `buckets`: upper bounds, ascending; +Inf is added. */
  constructor(private readonly buckets: readonly number[]) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelText(labels);
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound && series !== undefined) series.counts[i] = (series.counts[i] ?? 0) + 1;
    });
    series.sum += value;
    series.count += 1;
  }

  /** Observations with exactly these labels. */
  count(labels: Labels = {}): number {
    return this.series.get(labelText(labels))?.count ?? 0;
  }

  render(name: string): string[] {
    const lines: string[] = [];
    for (const series of this.series.values()) {
      const { labels } = series;
      this.buckets.forEach((bound, i) => {
        lines.push(`${name}_bucket${labelText({ ...labels, le: String(bound) })} ${series.counts[i] ?? 0}`);
      });
      lines.push(`${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${series.count}`);
      lines.push(`${name}_sum${labelText(labels)} ${series.sum}`);
      lines.push(`${name}_count${labelText(labels)} ${series.count}`);
    }
    return lines;
  }
}

export class MetricsRegistry {
  private readonly families: Family[] = [];

  counter(name: string, help: string): Counter {
    const counter = new Counter();
    this.families.push({ name, help, type: 'counter', render: () => counter.render(name) });
    return counter;
  }

  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const histogram = new Histogram(buckets);
    this.families.push({
      name,
      help,
      type: 'histogram',
      render: () => histogram.render(name),
    });
    return histogram;
  }

  /** A value read at render time. */
  gauge(name: string, help: string, read: () => number): void {
    this.families.push({ name, help, type: 'gauge', render: () => [`${name} ${read()}`] });
  }

  /** Values with labels, read at render time (one line per entry). */
  gaugeFamily(name: string, help: string, read: () => readonly { labels: Labels; value: number }[]): void {
    this.families.push({
      name,
      help,
      type: 'gauge',
      render: () => read().map(({ labels, value }) => `${name}${labelText(labels)} ${value}`),
    });
  }

  render(): string {
    const lines: string[] = [];
    for (const family of this.families) {
      lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`, ...family.render());
    }
    return `${lines.join('\n')}\n`;
  }
}

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  const escaped = entries.map(
    ([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
  );
  return `{${escaped.join(',')}}`;
}
