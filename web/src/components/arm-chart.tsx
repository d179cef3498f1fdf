import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { AlignedSeries } from '../lib/experiment-format.js';

const DAY_S = 86_400;

/** One colour per arm, in the definition's order (the holdout is drawn dashed). */
export const ARM_COLOURS = ['#2456c7', '#c25e00', '#1f7a3e', '#8a3ffc', '#b3261e', '#00798c'];

/**
 * The experiment's per-arm cumulative chart (uPlot, canvas): exposures, or the conversion rate of one metric
 * (converted people over exposed people, cumulative), one line per arm over the days of the experiment.
 */
export function ArmChart({ aligned, mode, holdouts, label }: { aligned: AlignedSeries; mode: 'exposures' | 'rate'; holdouts: ReadonlySet<string>; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || aligned.x.length === 0) return;
    const width = Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 240,
        scales: { x: { time: true }, y: mode === 'rate' ? { range: (_u, _min, max) => [0, Math.max(0.01, max * 1.15)] } : {} },
        axes: [
          // one point per UTC day: ticks on whole days, labelled by date
          { incrs: [DAY_S, 2 * DAY_S, 7 * DAY_S, 14 * DAY_S, 28 * DAY_S], values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toISOString().slice(5, 10)) },
          mode === 'rate'
            ? { label: 'conversion rate', values: (_u, ticks) => ticks.map((v) => (v === 0 ? '0%' : `${(v * 100).toFixed(v < 0.1 ? 1 : 0)}%`)) }
            : { label: 'people exposed' },
        ],
        series: [
          {},
          ...aligned.arms.map((a, i) => ({
            label: a.arm,
            stroke: ARM_COLOURS[i % ARM_COLOURS.length]!,
            width: 2,
            ...(holdouts.has(a.arm) ? { dash: [6, 4] } : {}),
            points: { show: aligned.x.length <= 31 },
            value: (_u: uPlot, v: number | null) => (v === null ? '—' : mode === 'rate' ? `${(v * 100).toFixed(2)}%` : String(v)),
          })),
        ],
        legend: { show: true },
      },
      [aligned.x as number[], ...aligned.arms.map((a) => (mode === 'rate' ? (a.rate as (number | null)[]) : (a.exposures as number[])))],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 240 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [aligned, mode, holdouts]);
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={label} data-testid="arm-chart" />
    </figure>
  );
}
