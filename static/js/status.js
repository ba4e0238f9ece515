// The small connection status in the top bar: "Live", "Reconnecting…",
// "Offline", "Reloaded after reconnect". It follows the SDK's connection
// states; screens report a reload after a reset with `reloaded()`.

import { pulse } from './session.js';
import { byId } from './dom.js';

let reloadedUntil = 0;
let lastState = 'idle';

/** @param {string} state @param {string} text */
function show(state, text) {
  const el = byId('conn');
  if (!el) return;
  el.dataset.state = state;
  el.textContent = text;
}

function render() {
  if (!navigator.onLine) return show('offline', 'Offline — reconnecting…');
  switch (lastState) {
    case 'open':
      return Date.now() < reloadedUntil ? show('reloaded', 'Reloaded after reconnect') : show('live', 'Live');
    case 'reconnecting':
      return show('reconnecting', 'Reconnecting…');
    case 'connecting':
      return show('connecting', 'Connecting…');
    case 'closed':
      return show('closed', 'Not live — reload the page');
    default:
      return show('idle', '');
  }
}

/** A screen reloaded its data after a reset: say so for a while. */
export function reloaded() {
  reloadedUntil = Date.now() + 8000;
  render();
  setTimeout(render, 8100);
}

export function setupStatus() {
  pulse.live.onState(({ state }) => {
    lastState = state;
    render();
  });
  // The browser knows about a lost network before the heartbeat does:
  // drop the socket at once, and let the SDK reconnect and resume.
  window.addEventListener('offline', () => {
    pulse.live.drop();
    render();
  });
  window.addEventListener('online', () => {
    pulse.live.drop();
    render();
  });
}
