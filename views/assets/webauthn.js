// Passkeys and security keys on the sign-in and Account Settings pages, with @simplewebauthn/browser
// (served beside this file). A form marked data-webauthn asks its options URL for the ceremony's
// options, runs it, and posts the answer (WebAuthnResponse) or why the browser gave up (WebAuthnError).
(function () {
  'use strict';
  var webauthn = window.SimpleWebAuthnBrowser;

  // A browser that can make a passkey says so with the password: only then is one offered afterwards.
  if (webauthn && webauthn.browserSupportsWebAuthn()) {
    webauthn.platformAuthenticatorIsAvailable().then(function (available) {
      document.querySelectorAll('input[name="PasskeyCapable"]').forEach(function (input) {
        input.value = available ? 'true' : '';
      });
    });
  }

  function optionsBody(form) {
    var body = new URLSearchParams(new FormData(form));
    body.delete('WebAuthnResponse');
    body.delete('WebAuthnError');
    return body;
  }

  async function ceremony(form) {
    if (!webauthn || !webauthn.browserSupportsWebAuthn()) throw Object.assign(new Error('unsupported'), { name: 'unsupported' });
    var answer = await fetch(form.dataset.optionsUrl, { method: 'POST', body: optionsBody(form), credentials: 'same-origin', headers: { accept: 'application/json' } });
    if (!answer.ok) throw Object.assign(new Error('options refused'), { name: 'OptionsRefused' });
    var optionsJSON = await answer.json();
    return form.dataset.webauthn === 'register' ? webauthn.startRegistration({ optionsJSON: optionsJSON }) : webauthn.startAuthentication({ optionsJSON: optionsJSON });
  }

  // A link that starts a form's ceremony (the password page's passkey sign-in).
  document.querySelectorAll('[data-submits]').forEach(function (link) {
    link.addEventListener('click', function (event) {
      event.preventDefault();
      document.getElementById(link.dataset.submits).requestSubmit();
    });
  });

  document.querySelectorAll('form[data-webauthn]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var button = form.querySelector('button[type="submit"]');
      if (button) button.disabled = true;
      ceremony(form)
        .then(function (credential) {
          form.elements.namedItem('WebAuthnResponse').value = JSON.stringify(credential);
        })
        .catch(function (error) {
          form.elements.namedItem('WebAuthnError').value = (error && error.name) || 'Error';
        })
        .then(function () {
          form.submit();
        });
    });
  });
})();
