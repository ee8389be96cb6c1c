/** Text for numbers and times as the UI shows them; pure, so tested in Node. */

const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1073741824 → "1 GiB", 1610612736 → "1.5 GiB". */
export function formatBytes(bytes: number): string {
  let value = Math.abs(bytes);
  let unit = 0;
  while (value >= 1024 && unit < BINARY_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value >= 100 || unit === 0 ? 0 : value >= 10 ? 1 : 2;
  const text = Number(value.toFixed(digits)).toString();
  return `${bytes < 0 ? '-' : ''}${text} ${BINARY_UNITS[unit]}`;
}

/** How long ago `ts` was, for "last seen …": "3 s ago", "4 min ago", "2 h ago", "5 d ago". */
export function formatAgo(ts: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ts) / 1000));
  if (seconds < 120) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}

/** A load average or a percentage: two decimals below 10, one below 100, none above. */
export function formatDecimal(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toFixed(digits);
}

/** Axis steps for bytes: 1, 2, 4 … 512 of each binary unit, so ticks read 2 GiB, 4 GiB, 6 GiB. */
export const BYTE_INCREMENTS: number[] = BINARY_UNITS.flatMap((_unit, power) =>
  [1, 2, 4, 8, 16, 32, 64, 128, 256, 512].map((m) => m * 1024 ** power),
);

/** One formatter for every call: `toLocaleTimeString` with options builds a new one each time. */
let clock: Intl.DateTimeFormat | undefined;

/** A tick or cursor time in the browser's time zone, 24-hour: "14:05". */
export function formatClock(ts: number): string {
  clock ??= new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return clock.format(ts);
}
