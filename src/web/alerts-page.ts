/**
 * The Alerts page (`#/alerts?tab=firing|history|rules|channels|silences`): what is firing, what
 * happened, the rules with an editor that previews them, the channels with a test send, and the
 * silences.
 */
import {
  addSilence,
  alertHistory,
  alerts,
  channels,
  expireSilence,
  rules,
  silences,
  testChannel,
  type Alert,
  type Rule,
} from './alert-api.ts';
import { renderAlert, renderHistory, renderRule, renderSilence } from './alert-views.ts';
import { ApiError, type Api } from './api.ts';
import { byId, clearError, el } from './dom.ts';
import { poll, type Poller } from './poller.ts';
import type { Page, Params, Router } from './router.ts';
import { RuleEditor } from './rule-editor.ts';
import { reportError, requireToken } from './sign-in.ts';

const TABS = ['firing', 'history', 'rules', 'channels', 'silences'] as const;
type Tab = (typeof TABS)[number];
const REFRESH_MS = 10_000;
const SILENCE_MS = 2 * 3_600_000;

export class AlertsPage implements Page {
  private readonly tabs = el('nav', { class: 'ranges tabs', 'aria-label': 'Alert views' });
  private readonly body = el('div', { class: 'alerts-body' });
  private readonly list = el('ol', { class: 'event-list alert-list', 'data-testid': 'alert-list' });
  private readonly note = el('p', { class: 'results-summary', 'data-testid': 'alerts-note' });
  private readonly editor: RuleEditor;
  private readonly silenceForm: HTMLFormElement;
  private readonly poller: Poller;
  private tab: Tab = 'firing';
  private rules: Rule[] = [];

  constructor(
    private readonly api: Api,
    private readonly router: Router,
  ) {
    this.editor = new RuleEditor(api);
    this.silenceForm = this.buildSilenceForm();
    byId('page-alerts').append(
      el('div', { class: 'page-header' }, el('h2', { class: 'page-title' }, 'Alerts'), this.tabs),
      el('section', { class: 'card results' }, this.note, this.list),
      this.body,
    );
    this.poller = poll(() => this.refresh(), REFRESH_MS);
  }

  show(params: Params): void {
    this.tab = TABS.find((t) => t === params.tab) ?? 'firing';
    this.tabs.replaceChildren(
      ...TABS.map((tab) => {
        const button = el(
          'button',
          { type: 'button', 'aria-pressed': String(tab === this.tab), 'data-tab': tab },
          tab,
        );
        button.addEventListener('click', () => this.router.update({ tab }));
        return button;
      }),
    );
    this.body.replaceChildren(
      ...(this.tab === 'rules' ? [this.editor.element] : this.tab === 'silences' ? [this.silenceForm] : []),
    );
    this.poller.now();
  }

  hide(): void {
    this.poller.stop();
  }

  private async refresh(): Promise<void> {
    if (!requireToken(() => this.poller.now())) {
      this.poller.stop();
      return;
    }
    try {
      this.rules = await rules(this.api);
      await this.render();
      clearError();
    } catch (error) {
      if (reportError(error, () => this.poller.now())) this.poller.stop();
    }
  }

  private ruleOf(id: string): Rule | undefined {
    return this.rules.find((r) => r.id === id);
  }

  private async render(): Promise<void> {
    switch (this.tab) {
      case 'firing': {
        const active = await alerts(this.api, 'pending,firing');
        this.note.textContent =
          active.length === 0
            ? `Nothing is firing. ${this.rules.length} rules are evaluated; see the rules tab.`
            : `${active.length} alert${active.length === 1 ? '' : 's'} pending or firing.`;
        this.list.replaceChildren(
          ...active.map((a) => renderAlert(a, this.ruleOf(a.rule_id), (x) => void this.silence(x))),
        );
        return;
      }
      case 'history': {
        const [resolved, history] = await Promise.all([alerts(this.api, 'resolved'), alertHistory(this.api)]);
        this.note.textContent = `${resolved.length} resolved alerts; history of the last 24 h below.`;
        this.list.replaceChildren(
          ...resolved.slice(0, 50).map((a) => renderAlert(a, this.ruleOf(a.rule_id), () => undefined)),
          ...history.map(renderHistory),
        );
        return;
      }
      case 'rules':
        this.note.textContent = `${this.rules.length} rules, from the defaults and server.alerting.rules in the config file.`;
        this.list.replaceChildren(
          ...this.rules.map((r) => renderRule(r, (rule) => void this.editor.edit(rule))),
        );
        return;
      case 'channels': {
        const found = await channels(this.api);
        this.note.textContent =
          found.length === 0
            ? 'No channels: add email, Slack, Teams, PagerDuty or webhook channels under server.alerting.channels (docs/alerting.md).'
            : 'A test sends one notification now, without retry, and shows what the receiver answered.';
        this.list.replaceChildren(...found.map((c) => this.channelRow(c)));
        return;
      }
      case 'silences': {
        const found = await silences(this.api);
        this.note.textContent = found.length === 0 ? 'No silences.' : `${found.length} silences.`;
        this.list.replaceChildren(...found.map((s) => renderSilence(s, (id) => void this.expire(id))));
        return;
      }
    }
  }

  private channelRow(channel: { name: string; type: string }): HTMLElement {
    const result = el('span', { class: 'muted', 'data-testid': 'channel-result' });
    const button = el('button', { type: 'button', 'data-testid': 'channel-test' }, 'Send test');
    button.addEventListener('click', () => {
      result.textContent = 'sending…';
      testChannel(this.api, channel.name).then(
        (r) => (result.textContent = r.outcome === 'ok' ? 'delivered' : `${r.outcome}: ${r.reason ?? ''}`),
        (error: unknown) => (result.textContent = error instanceof ApiError ? error.message : String(error)),
      );
    });
    return el(
      'li',
      { class: 'event-row', 'data-testid': 'channel-row' },
      el('strong', {}, channel.name),
      el('span', { class: 'event-action' }, channel.type),
      el('span', { class: 'event-body' }, button, ' ', result),
    );
  }

  private buildSilenceForm(): HTMLFormElement {
    const matchers = el('textarea', {
      rows: '3',
      class: 'rule-text',
      'aria-label': 'Matchers',
      placeholder: 'alertname="DiskFilling"\nhost="web-1"',
    });
    const duration = el(
      'select',
      { 'aria-label': 'Duration' },
      ...[
        ['1 h', 3_600_000],
        ['2 h', 7_200_000],
        ['1 day', 86_400_000],
        ['1 week', 604_800_000],
      ].map(([label, ms]) => el('option', { value: String(ms) }, String(label))),
    );
    const comment = el('input', {
      type: 'text',
      class: 'query-input',
      placeholder: 'Why (shown to others)',
      'aria-label': 'Comment',
    });
    const error = el('div', { class: 'query-error', role: 'alert' });
    error.hidden = true;
    const form = el(
      'form',
      { class: 'card silence-form', 'data-testid': 'silence-form' },
      el('h3', { class: 'card-title' }, 'New silence'),
      el('p', { class: 'muted' }, 'One matcher per line: label="value", label=~"regex", label!="value".'),
      matchers,
      el(
        'div',
        { class: 'toolbar-row' },
        duration,
        comment,
        el('button', { type: 'submit', class: 'primary' }, 'Silence'),
      ),
      error,
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      error.hidden = true;
      const lines = matchers.value
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
      addSilence(this.api, {
        matchers: lines,
        duration_ms: Number(duration.value),
        comment: comment.value,
      }).then(
        () => {
          matchers.value = '';
          comment.value = '';
          this.poller.now();
        },
        (e: unknown) => {
          error.textContent = e instanceof ApiError ? e.message : String(e);
          error.hidden = false;
        },
      );
    });
    return form;
  }

  private async silence(alert: Alert): Promise<void> {
    try {
      await addSilence(this.api, {
        fingerprint: alert.fingerprint,
        duration_ms: SILENCE_MS,
        comment: `silenced from the alert "${alert.summary}"`,
      });
      this.router.update({ tab: 'silences' });
    } catch (error) {
      reportError(error, () => void this.silence(alert));
    }
  }

  private async expire(id: string): Promise<void> {
    try {
      await expireSilence(this.api, id);
      this.poller.now();
    } catch (error) {
      reportError(error, () => void this.expire(id));
    }
  }
}
