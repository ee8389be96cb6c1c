/**
 * Events drawn on a time chart: a thin vertical line at each event's time with its action on top,
 * red for the ones that mean trouble (die, oom, kill); anomalies as shaded stretches. Drawn in
 * uPlot's draw hook, on the canvas, so a hundred markers cost no DOM.
 */
import type uPlot from 'uplot';

export interface ChartMarker {
  /** UTC ms. */
  ts: number;
  label: string;
  bad: boolean;
  /** Set for a stretch (an anomaly): shaded from `ts` to here instead of a line. */
  end?: number;
}

const SHADE = 'rgba(245, 158, 11, 0.18)';

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
    if (marker.end !== undefined) {
      const from = Math.max(left, u.valToPos(marker.ts / 1000, 'x', true));
      const to = Math.min(left + width, u.valToPos(marker.end / 1000, 'x', true));
      if (to < left || from > left + width) continue;
      ctx.fillStyle = SHADE;
      // At least 3 px, so a one-point anomaly is still seen.
      ctx.fillRect(from, top, Math.max(to - from, 3 * ratio), height);
      continue;
    }
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
