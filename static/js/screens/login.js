// Log in with e-mail and password.

import { h, replace } from '../dom.js';
import { pulse } from '../session.js';
import { field, form } from '../ui/form.js';

/** @param {HTMLElement} view */
export async function render(view) {
  const { signedIn } = await import('../main.js');
  replace(view, h('section', { class: 'auth-card' },
    h('h1', null, 'Log in to Pulse'),
    form([
      field('E-mail', { name: 'email', type: 'email', autocomplete: 'username', required: true, autofocus: true }),
      field('Password', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
      h('button', { type: 'submit', class: 'primary' }, 'Log in'),
    ], async (v) => {
      await pulse.auth.login({ email: v.email.trim(), password: v.password });
      await signedIn();
    }),
    h('p', null, 'New to Pulse? ', h('a', { href: '#/signup' }, 'Create an account')),
  ));
  document.title = 'Log in · Pulse';
}
