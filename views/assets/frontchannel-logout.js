// The front-channel logout page: goes on to the link once every app's logout page has loaded in its
// iframe, or after 3 seconds, whichever comes first.
(function () {
  var link = document.getElementById('continue');
  var frames = document.querySelectorAll('iframe.frontchannel-logout');
  var pending = frames.length;
  function go() {
    window.location.replace(link.href);
  }
  frames.forEach(function (frame) {
    frame.addEventListener('load', function () {
      if (--pending === 0) go();
    });
  });
  setTimeout(go, 3000);
})();
