/**
 * Light and dark themes. By default the page follows the system (prefers-color-scheme, in
 * theme.css); the toggle cycles auto → light → dark and is remembered in this browser.
 */
const KEY = 'birdseye.theme';
const CHOICES = ['auto', 'light', 'dark'] as const;
type Choice = (typeof CHOICES)[number];

function apply(choice: Choice, button: HTMLElement): void {
  if (choice === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = choice;
  button.textContent = choice === 'auto' ? '◐ auto' : choice === 'light' ? '☀ light' : '☾ dark';
  button.title = `Theme: ${choice} (click to change)`;
}

export function setUpThemeToggle(button: HTMLElement): void {
  let choice: Choice = CHOICES.find((c) => c === localStorage.getItem(KEY)) ?? 'auto';
  apply(choice, button);
  button.addEventListener('click', () => {
    choice = CHOICES[(CHOICES.indexOf(choice) + 1) % CHOICES.length]!;
    localStorage.setItem(KEY, choice);
    apply(choice, button);
  });
}
