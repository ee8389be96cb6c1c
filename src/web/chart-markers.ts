/**
 * Events drawn on a time chart: a thin vertical line at each event's time with its action on top,
 * red for the ones that mean trouble (die, oom, kill). Drawn in uPlot's draw hook, on the canvas,
 * so a hundred markers cost no DOM.
 */
import type uPlot from 'uplot';

export interface ChartMarker {
  /** UTC ms. */
  ts: number;
  label: string;
  bad: boolean;
}

/** Docker actions that mean something went wrong. */
export const BAD_ACTIONS = new Set(['die', 'oom', 'kill', 'health_status: unhealthy', 'destroy']);

const BAD = '#dc2626';
const OTHER = '#6366f1';

export function drawMarkers(u: uPlot, markers: readonly ChartMarker[]): void {
  if (markers.length === 0) return;
  const { ctx } = u;
  const { top, height, left, width } = u.bbox;
  const ratio = devicePixelRatio || 1;
  ctx.save();
  ctx.font = `${11 * ratio}px system-ui, sans-serif`;
  ctx.textBaseline = 'top';
  let lastLabelEnd = -Infinity;
  for (const marker of markers) {
    const x = Math.round(u.valToPos(marker.ts / 1000, 'x', true));
    if (x < left || x > left + width) continue;
    const colour = marker.bad ? BAD : OTHER;
    ctx.strokeStyle = colour;
    ctx.lineWidth = ratio;
    ctx.setLineDash([4 * ratio, 3 * ratio]);
    ctx.beginPath();
    ctx.moveTo(x + 0.5, top);
    ctx.lineTo(x + 0.5, top + height);
    ctx.stroke();
    // Labels that would overlap the previous one are left out; the line still shows.
    if (x > lastLabelEnd) {
      const text = marker.label;
      const textWidth = ctx.measureText(text).width;
      ctx.fillStyle = colour;
      ctx.fillText(text, x + 3 * ratio, top + 2 * ratio);
      lastLabelEnd = x + textWidth + 6 * ratio;
    }
  }
  ctx.restore();
}
