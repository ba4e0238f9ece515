// Light, dark or system theme. The choice is kept in localStorage and
// applied as `data-theme` on <html>; "system" removes it, and the CSS
// follows prefers-color-scheme.

const KEY = 'pulse.theme';
const ORDER = ['system', 'light', 'dark'];
const ICONS = { system: '◐', light: '☀', dark: '☾' };

export function currentTheme() {
  const t = localStorage.getItem(KEY);
  return t === 'light' || t === 'dark' ? t : 'system';
}

/** @param {string} theme */
export function applyTheme(theme) {
  if (theme === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.dataset.theme = theme;
  const button = document.getElementById('theme-toggle');
  if (button) {
    button.textContent = ICONS[/** @type {keyof ICONS} */ (theme)];
    button.setAttribute('aria-label', `Theme: ${theme}. Change theme`);
    button.title = `Theme: ${theme}`;
  }
}

export function setupTheme() {
  applyTheme(currentTheme());
  document.getElementById('theme-toggle')?.addEventListener('click', () => {
    const next = ORDER[(ORDER.indexOf(currentTheme()) + 1) % ORDER.length];
    if (next === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, next);
    applyTheme(next);
  });
}
