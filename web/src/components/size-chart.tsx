import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SizePoint } from '../lib/types.js';

/** The segment's size over time (uPlot, canvas): size as a line, entries and exits as bars below it. */
export function SizeChart({ points, label }: { points: readonly SizePoint[]; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el || points.length === 0) return;
    const xs = points.map((p) => Date.parse(p.t) / 1000);
    const width = Math.max(280, el.clientWidth);
    const plot = new uPlot(
      {
        width,
        height: 220,
        scales: { x: { time: true } },
        axes: [{}, { label: 'members' }],
        series: [
          {},
          { label: 'size', stroke: '#2456c7', width: 2, fill: 'rgba(36,86,199,0.08)' },
          { label: 'entered', stroke: '#1f7a3e', width: 1 },
          { label: 'exited', stroke: '#b3261e', width: 1 },
        ],
        legend: { show: true },
      },
      [xs, points.map((p) => p.size), points.map((p) => p.entered), points.map((p) => p.exited)],
      el,
    );
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [points]);
  const last = points[points.length - 1];
  return (
    <figure class="chart">
      <div ref={host} role="img" aria-label={`${label}${last ? `, now ${last.size}` : ''}`} />
    </figure>
  );
}
