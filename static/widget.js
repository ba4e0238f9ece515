// Pulse lead widget. Embed on your site:
//
//   <form data-pulse-widget="pw_..."></form>
//   <script src="https://your-pulse.example/widget.js" async></script>
//
// An empty form gets the default fields; a form with your own inputs is
// bound as it is (inputs named first_name, last_name, email, phone,
// company_name, job_title, message). A hidden `website` field catches bots.
(function () {
  'use strict';
  var script = document.currentScript;
  var base = script ? new URL(script.src).origin : '';
  var FIELDS = [
    ['first_name', 'First name', 'text', false],
    ['last_name', 'Last name', 'text', false],
    ['email', 'Email', 'email', true],
    ['company_name', 'Company', 'text', false],
    ['message', 'Message', 'textarea', false]
  ];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text) e.textContent = text;
    return e;
  }

  function render(form) {
    FIELDS.forEach(function (f) {
      var id = 'pulse-' + f[0] + '-' + Math.random().toString(36).slice(2, 8);
      var label = el('label', { for: id }, f[1]);
      var input = f[2] === 'textarea'
        ? el('textarea', { id: id, name: f[0], maxlength: '2000' })
        : el('input', { id: id, name: f[0], type: f[2], maxlength: f[0] === 'email' ? '254' : '100' });
      if (f[3]) input.required = true;
      form.appendChild(label);
      form.appendChild(input);
    });
    form.appendChild(el('button', { type: 'submit' }, 'Send'));
  }

  function honeypot(form) {
    if (form.querySelector('[name="website"]')) return;
    var trap = el('input', { name: 'website', type: 'text', tabindex: '-1', autocomplete: 'off', 'aria-hidden': 'true' });
    trap.hidden = true;
    form.appendChild(trap);
  }

  function status(form) {
    var s = form.querySelector('[data-pulse-status]');
    if (!s) {
      s = el('p', { 'data-pulse-status': '', role: 'status', 'aria-live': 'polite' });
      form.appendChild(s);
    }
    return s;
  }

  function bind(form) {
    var key = form.getAttribute('data-pulse-widget');
    if (!key || form.__pulseBound) return;
    form.__pulseBound = true;
    if (!form.querySelector('input, textarea')) render(form);
    honeypot(form);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var body = {};
      Array.prototype.forEach.call(form.elements, function (e) {
        if (e.name && typeof e.value === 'string' && e.value !== '') body[e.name] = e.value;
      });
      if (!body.email) body.email = '';
      var out = status(form);
      out.textContent = 'Sending...';
      fetch(base + '/api/v1/widget/' + encodeURIComponent(key) + '/leads', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit'
      }).then(function (res) {
        if (res.ok) {
          form.reset();
          out.textContent = 'Thank you! We will be in touch.';
          return;
        }
        return res.json().then(function (p) {
          var msg = (p && p.errors && p.errors.length)
            ? p.errors.map(function (e) { return e.field.replace('_', ' ') + ': ' + e.message; }).join('; ')
            : (p && p.detail) || 'Something went wrong; please try again.';
          out.textContent = msg;
        });
      }).catch(function () {
        out.textContent = 'Could not send; please check your connection and try again.';
      });
    });
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll('form[data-pulse-widget]'), bind);
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
