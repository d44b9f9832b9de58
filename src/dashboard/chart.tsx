import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** Colour-blind-safe palette (Okabe-Ito, then Tableau), dark enough for lines on white. */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#8C564B', '#7F7F7F', '#B8860B', '#332288', '#AA4499'];

const DAY = new Intl.DateTimeFormat('en-US', { month: 'short', day: '2-digit', timeZone: 'UTC' });

export interface StackSeries {
  label: string;
  values: number[];
}

export interface ChartProps {
  /** Accessible description: what the chart shows (read by screen readers instead of the canvas). */
  title: string;
  /** X values in epoch ms. */
  xs: number[];
  series: StackSeries[];
  /** Stack the series (areas) or draw them as lines. */
  stacked?: boolean;
  format: (value: number) => string;
  height?: number;
  /** Forecast band: lower and upper bounds per x (drawn as a shaded band), and a mean line. */
  band?: { lo: (number | null)[]; hi: (number | null)[]; mean: (number | null)[]; label: string };
  /** X positions (epoch ms) to mark with a vertical line (anomalies). */
  marks?: number[];
}

/**
 * One uPlot chart, resized with its container. Stacking is done here (each series drawn as the running sum,
 * biggest first, so every layer shows); the legend shows each series' own value, not the running sum.
 */
export function Chart(props: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const { xs, series, stacked, format, band, marks } = props;
    const data: (number | null)[][] = [xs.map((x) => x / 1000)];
    const seriesOpts: uPlot.Series[] = [{}];
    const raw: (number | null)[][] = [];
    if (stacked) {
      const sums = series.map(() => new Array<number>(xs.length).fill(0));
      series.forEach((s, i) => s.values.forEach((v, j) => (sums[i]![j] = (i > 0 ? sums[i - 1]![j]! : 0) + v)));
      // Few buckets read best as bars; many as areas.
      const paths = xs.length <= 60 ? uPlot.paths.bars!({ size: [0.7, 60], align: 0 }) : undefined;
      for (let i = series.length - 1; i >= 0; i--) {
        data.push(sums[i]!);
        raw.push(series[i]!.values);
        const color = PALETTE[i % PALETTE.length]!;
        seriesOpts.push({ label: series[i]!.label, stroke: color, fill: paths ? color : `${color}CC`, width: paths ? 0 : 1, points: { show: false }, ...(paths ? { paths } : {}) });
      }
    } else {
      series.forEach((s, i) => {
        data.push(s.values);
        raw.push(s.values);
        seriesOpts.push({ label: s.label, stroke: PALETTE[i % PALETTE.length]!, width: 2, points: { show: xs.length < 3 } });
      });
    }
    if (band) {
      data.push(band.hi, band.lo, band.mean);
      raw.push(band.hi, band.lo, band.mean);
      seriesOpts.push({ label: `${band.label} (high)`, stroke: '#9ab', width: 0, points: { show: false } });
      seriesOpts.push({ label: `${band.label} (low)`, stroke: '#9ab', width: 0, points: { show: false } });
      seriesOpts.push({ label: band.label, stroke: '#333', dash: [6, 4], width: 2, points: { show: false } });
    }
    for (const [i, opts] of seriesOpts.entries()) {
      if (i === 0) continue;
      opts.value = (_u, _v, _s, idx) => (idx === null || idx === undefined || raw[i - 1]![idx] == null ? '–' : format(raw[i - 1]![idx]!));
    }
    const bandCount = band ? data.length - 3 : 0;
    const gaps = xs.slice(1).map((x, i) => (x - xs[i]!) / 1000).filter((g) => g > 0);
    const step = gaps.length ? Math.min(...gaps) : 86_400;
    const opts: uPlot.Options = {
      width: Math.max(280, element.clientWidth),
      height: props.height ?? 260,
      series: seriesOpts,
      bands: band ? [{ series: [bandCount, bandCount + 1], fill: 'rgba(0,114,178,0.18)' }] : [],
      axes: [
        // Day buckets get day ticks (`Dec 02`), never hour ticks between them.
        step >= 86_400 ? { incrs: [86_400, 2 * 86_400, 7 * 86_400, 14 * 86_400, 30 * 86_400], values: (_u, splits) => splits.map((s) => DAY.format(new Date(s * 1000))) } : {},
        { size: 70, values: (_u, values) => values.map((v) => format(v)) },
      ],
      scales: {
        // Half a bucket of room either side, so one or two buckets still read as days (not a 3-year axis).
        x: { time: true, auto: false, range: [xs[0]! / 1000 - step / 2, xs[xs.length - 1]! / 1000 + step / 2] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] },
      },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      hooks: marks?.length
        ? {
            draw: [
              (u) => {
                const { ctx } = u;
                ctx.save();
                ctx.strokeStyle = '#C62828';
                ctx.lineWidth = 2 * devicePixelRatio;
                for (const mark of marks) {
                  const x = u.valToPos(mark / 1000, 'x', true);
                  ctx.beginPath();
                  ctx.moveTo(x, u.bbox.top);
                  ctx.lineTo(x, u.bbox.top + u.bbox.height);
                  ctx.stroke();
                }
                ctx.restore();
              },
            ],
          }
        : {},
    };
    const plot = new uPlot(opts, data as uPlot.AlignedData, element);
    const observer = new ResizeObserver(() => plot.setSize({ width: Math.max(280, element.clientWidth), height: props.height ?? 260 }));
    observer.observe(element);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [props.xs, props.series, props.band, props.marks, props.stacked]);
  return (
    <figure class="chart">
      <figcaption class="sr-only">{props.title}</figcaption>
      <div ref={host} role="img" aria-label={props.title} />
    </figure>
  );
}
