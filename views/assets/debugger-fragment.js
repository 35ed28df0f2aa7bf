// The sign-in debugger's callback with response_mode=fragment: the answer is in the fragment, which
// the server never sees. Send it back to the same URL as a query (and drop it from the history).
(function () {
  var fragment = window.location.hash.slice(1);
  if (fragment === '') {
    document.getElementById('fragment-status').textContent = 'The response has no fragment: nothing came back.';
    return;
  }
  window.location.replace(window.location.pathname + '?' + fragment);
})();
