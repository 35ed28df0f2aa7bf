// OpenID Connect Session Management 1.0, the OP iframe (/connect/checksession): an app posts
// "client_id session_state" from the origin of its redirect URI; the answer is "unchanged",
// "changed" or "error". The session state is a salted SHA-256 of the client id, that origin and the
// OP browser state (the idsrv.session cookie), then "." and the salt.
(function () {
  var COOKIE = 'idsrv.session';

  function browserState() {
    var cookies = document.cookie ? document.cookie.split('; ') : [];
    for (var i = 0; i < cookies.length; i++) {
      var separator = cookies[i].indexOf('=');
      if (cookies[i].slice(0, separator) === COOKIE) return decodeURIComponent(cookies[i].slice(separator + 1));
    }
    return '';
  }

  function base64url(buffer) {
    var bytes = new Uint8Array(buffer),
      text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }

  window.addEventListener(
    'message',
    function (event) {
      if (event.source === window || !event.source) return;
      function answer(status) {
        event.source.postMessage(status, event.origin);
      }
      var parts = typeof event.data === 'string' ? event.data.split(' ') : [];
      var dot = parts.length === 2 ? parts[1].indexOf('.') : -1;
      // Web Crypto exists in secure contexts only (https, localhost).
      if (dot < 1 || !window.crypto || !window.crypto.subtle) return answer('error');
      var salt = parts[1].slice(dot + 1);
      var input = new TextEncoder().encode(parts[0] + ' ' + event.origin + ' ' + browserState() + ' ' + salt);
      window.crypto.subtle.digest('SHA-256', input).then(
        function (hash) {
          answer(base64url(hash) + '.' + salt === parts[1] ? 'unchanged' : 'changed');
        },
        function () {
          answer('error');
        },
      );
    },
    false,
  );
})();
