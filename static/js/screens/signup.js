// Sign up: an account and its first workspace.

import { h, replace } from '../dom.js';
import { pulse } from '../session.js';
import { field, form } from '../ui/form.js';

/** @param {HTMLElement} view */
export async function render(view) {
  const { signedIn } = await import('../main.js');
  replace(view, h('section', { class: 'auth-card' },
    h('h1', null, 'Create your Pulse workspace'),
    form([
      field('Your name', { name: 'name', autocomplete: 'name', required: true, autofocus: true }),
      field('E-mail', { name: 'email', type: 'email', autocomplete: 'username', required: true }),
      field('Password', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 10 characters.' }),
      field('Workspace name', { name: 'workspace_name', required: true, hint: 'Your company or team.' }),
      h('button', { type: 'submit', class: 'primary' }, 'Create account'),
    ], async (v) => {
      await pulse.auth.signup({ name: v.name, email: v.email.trim(), password: v.password, workspace_name: v.workspace_name });
      await signedIn();
    }),
    h('p', null, 'Already have an account? ', h('a', { href: '#/login' }, 'Log in')),
  ));
  document.title = 'Sign up · Pulse';
}
