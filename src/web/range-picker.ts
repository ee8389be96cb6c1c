/** The time range control of the Logs and Events pages: last 15m … 7d, or from/to dates. */
import { el } from './dom.ts';
import {
  absoluteRange,
  describeRange,
  relativeSpan,
  RELATIVE_RANGES,
  resolveTime,
  toLocalInput,
  type TimeRange,
} from './time-range.ts';

export class RangePicker {
  readonly element = el('div', { class: 'range-picker', 'data-testid': 'range-picker' });
  private readonly label = el('span', { class: 'range-label', 'data-testid': 'range-label' });
  private readonly buttons = el('div', { class: 'ranges', role: 'group', 'aria-label': 'Time range' });
  private readonly fromInput = el('input', { type: 'datetime-local', step: '1', 'aria-label': 'From' });
  private readonly toInput = el('input', { type: 'datetime-local', step: '1', 'aria-label': 'To' });
  private readonly custom = el('form', { class: 'range-custom', 'data-testid': 'range-custom' });
  private readonly customButton = el('button', { type: 'button', 'aria-pressed': 'false' }, 'Custom');
  private range: TimeRange = { from: 'now-1h', to: 'now' };

  constructor(private readonly onChange: (range: TimeRange) => void) {
    this.custom.append(
      this.fromInput,
      el('span', { class: 'range-arrow' }, '→'),
      this.toInput,
      el('button', { type: 'submit', class: 'primary' }, 'Apply'),
    );
    this.custom.hidden = true;
    this.custom.addEventListener('submit', (event) => {
      event.preventDefault();
      const from = Date.parse(this.fromInput.value);
      const to = Date.parse(this.toInput.value);
      if (Number.isNaN(from) || Number.isNaN(to) || from >= to) {
        this.custom.dataset.invalid = 'true';
        return;
      }
      delete this.custom.dataset.invalid;
      this.custom.hidden = true;
      this.onChange(absoluteRange(from, to));
    });
    this.customButton.addEventListener('click', () => {
      this.custom.hidden = !this.custom.hidden;
      this.customButton.setAttribute('aria-pressed', String(!this.custom.hidden));
      if (!this.custom.hidden) this.fromInput.focus();
    });
    this.element.append(this.label, this.buttons, this.custom);
  }

  set(range: TimeRange): void {
    this.range = range;
    const span = relativeSpan(range);
    const now = Date.now();
    this.label.textContent = describeRange(range, now);
    this.fromInput.value = toLocalInput(resolveTime(range.from, now) ?? now - 3_600_000);
    this.toInput.value = toLocalInput(resolveTime(range.to, now) ?? now);
    this.buttons.replaceChildren(
      ...RELATIVE_RANGES.map((r) => {
        const button = el('button', { type: 'button', 'aria-pressed': String(r === span) }, r);
        button.addEventListener('click', () => this.onChange({ from: `now-${r}`, to: 'now' }));
        return button;
      }),
      this.customButton,
    );
    this.customButton.setAttribute('aria-pressed', String(span === undefined || !this.custom.hidden));
  }

  get(): TimeRange {
    return this.range;
  }
}
