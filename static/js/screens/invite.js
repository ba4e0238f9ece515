// Accepting an invitation (`#/invite/<token>`): signed in, as yourself;
// otherwise with a name and password for a new account.

import { h, replace } from '../dom.js';
import { pulse, session } from '../session.js';
import { field, form } from '../ui/form.js';

/** @param {HTMLElement} view @param {string[]} params */
export async function render(view, [token]) {
  const { signedIn } = await import('../main.js');
  const accept = async (/** @type {any} */ body) => {
    try {
      await pulse.invitations.accept(token, body);
    } catch (e) {
      if (/** @type {any} */ (e).code === 'not_found') {
        throw { code: 'invitation_invalid', detail: 'This invitation is no longer valid: it was used, revoked or has expired. Ask for a new one.' };
      }
      throw e;
    }
    await signedIn();
  };
  const signedInAs = session.me?.user;
  replace(view, h('section', { class: 'auth-card' },
    h('h1', null, 'Join a workspace on Pulse'),
    signedInAs
      ? form([
        h('p', null, `You are signed in as ${signedInAs.name} (${signedInAs.email}). Accept the invitation with this account?`),
        h('button', { type: 'submit', class: 'primary' }, 'Accept invitation'),
      ], () => accept({}))
      : form([
        h('p', null, 'Choose your name and a password to accept the invitation.'),
        field('Your name', { name: 'name', autocomplete: 'name', required: true, autofocus: true }),
        field('Password', { name: 'password', type: 'password', autocomplete: 'new-password', required: true, hint: 'At least 10 characters.' }),
        h('button', { type: 'submit', class: 'primary' }, 'Accept invitation'),
      ], (v) => accept({ name: v.name, password: v.password })),
    signedInAs ? null : h('p', null, 'Already have an account? ', h('a', { href: '#/login', onclick: () => sessionStorage.setItem('pulse.after-login', `/invite/${token}`) }, 'Log in first'), ', then open the link again.'),
  ));
  document.title = 'Invitation · Pulse';
}
