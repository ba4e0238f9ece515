// Formatting: money in minor units, dates and durations, with Intl.

/** @type {Map<string, Intl.NumberFormat>} */
const formats = new Map();

/** Digits after the decimal point of a currency (2 for USD, 0 for JPY). @param {string} currency */
export function fractionDigits(currency) {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Formats an amount given in minor units (cents) in its currency.
 * @param {number} minor @param {string} currency @param {{ compact?: boolean }} [opts]
 */
export function money(minor, currency, opts = {}) {
  const key = `${currency}:${opts.compact ? 'c' : ''}`;
  let f = formats.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(undefined, {
        style: 'currency',
        currency,
        ...(opts.compact ? { notation: 'compact', maximumFractionDigits: 1 } : {}),
      });
    } catch {
      f = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
    }
    formats.set(key, f);
  }
  return f.format(minor / 10 ** fractionDigits(currency));
}

/** Major units typed by a person ("1,234.50") to minor units, or null. @param {string} text @param {string} currency */
export function toMinor(text, currency) {
  const clean = String(text).replace(/[\s,]/g, '');
  if (clean === '') return null;
  if (!/^\d+(\.\d+)?$/.test(clean)) return NaN;
  return Math.round(Number(clean) * 10 ** fractionDigits(currency));
}

/** Minor units to the plain number a person edits. @param {number} minor @param {string} currency */
export function toMajor(minor, currency) {
  const d = fractionDigits(currency);
  return (minor / 10 ** d).toFixed(d);
}

/** @param {string|null|undefined} iso */
export function date(iso) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00` : iso);
  return d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

/** @param {string} iso */
export function dateTime(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** "3 d 4 h", "12 min". @param {number} seconds */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const hr = Math.floor((s % 86400) / 3600);
  const min = Math.floor((s % 3600) / 60);
  if (d > 0) return hr ? `${d} d ${hr} h` : `${d} d`;
  if (hr > 0) return min ? `${hr} h ${min} min` : `${hr} h`;
  if (min > 0) return `${min} min`;
  return `${s} s`;
}

/** Today as YYYY-MM-DD in local time. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
