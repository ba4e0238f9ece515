// Hash routing: `#/board/<pipelineId>/deal/<dealId>` and the like. Each
// screen is a module in screens/ with `render(view, params)` that may
// return a cleanup function, called when the screen is left.

/**
 * @typedef {{ pattern: RegExp, load: () => Promise<any>, public?: boolean, nav?: string }} Route
 */

/** @type {{ name: string, route: Route }[]} */
const routes = [];

/** @param {string} name @param {RegExp} pattern @param {() => Promise<any>} load @param {{ public?: boolean, nav?: string }} [opts] */
export function route(name, pattern, load, opts = {}) {
  routes.push({ name, route: { pattern, load, ...opts } });
}

/** The current hash path, without `#`. */
export function currentPath() {
  return location.hash.replace(/^#/, '') || '/';
}

/** @param {string} path */
export function navigate(path) {
  if (currentPath() === path) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = `#${path}`;
}

/** Changes the hash without re-rendering the screen (e.g. closing a drawer). @param {string} path */
export function replacePath(path) {
  history.replaceState(null, '', `#${path}`);
}

/** @param {string} path */
export function match(path) {
  for (const { name, route: r } of routes) {
    const m = r.pattern.exec(path);
    if (m) return { name, route: r, params: m.slice(1).map((p) => (p == null ? p : decodeURIComponent(p))) };
  }
  return null;
}
