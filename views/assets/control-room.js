// The control room's live parts, on top of a page that works without them: the TOTP countdown, the
// regions marked data-live refreshed from the server (codes, clock, decisions), and the matrix redrawn
// when a risk switch changes. No framework: the server renders everything, this only swaps it in.
(function () {
  'use strict';
  var POLL_MS = 5000;

  function openDetails(root) {
    return Array.prototype.map.call(root.querySelectorAll('details[open][id]'), function (d) {
      return d.id;
    });
  }

  function fetchPage(url) {
    return fetch(url, { headers: { accept: 'text/html' }, credentials: 'same-origin' })
      .then(function (response) {
        if (!response.ok) throw new Error('the room answered ' + response.status);
        return response.text();
      })
      .then(function (html) {
        return new DOMParser().parseFromString(html, 'text/html');
      });
  }

  /** Replaces each live region by the server's newer rendering, keeping open traces open. */
  function refresh() {
    if (document.hidden) return Promise.resolve();
    return fetchPage(location.href)
      .then(function (fresh) {
        document.querySelectorAll('[data-live][id]').forEach(function (region) {
          var next = fresh.getElementById(region.id);
          if (!next) return;
          var open = openDetails(region);
          region.innerHTML = next.innerHTML;
          open.forEach(function (id) {
            var details = document.getElementById(id);
            if (details) details.open = true;
          });
        });
      })
      .catch(function () {
        /* the next poll tries again */
      });
  }

  /** The seconds each TOTP code is still valid, counted down here; at zero the codes are fetched again. */
  function tick() {
    var expired = false;
    document.querySelectorAll('[data-seconds-left]').forEach(function (element) {
      var left = Number(element.textContent) - 1;
      if (left <= 0) expired = true;
      element.textContent = String(Math.max(left, 0));
    });
    if (expired) refresh();
  }

  /** A risk switch redraws the matrix in place (the form's Redraw button does the same without a script). */
  function redrawMatrix(form) {
    var url = form.action.split('?')[0] + '?' + new URLSearchParams(new FormData(form)).toString();
    return fetchPage(url).then(function (fresh) {
      var view = document.getElementById('matrix-view');
      var next = fresh.getElementById('matrix-view');
      if (view && next) view.innerHTML = next.innerHTML;
      history.replaceState(null, '', url + '#matrix');
      document.documentElement.setAttribute('data-matrix-drawn', url);
    });
  }

  var switches = document.getElementById('risk-switches');
  if (switches) {
    switches.addEventListener('change', function () {
      redrawMatrix(switches);
    });
  }
  setInterval(tick, 1000);
  setInterval(refresh, POLL_MS);
  document.documentElement.setAttribute('data-room-script', 'on');
})();
