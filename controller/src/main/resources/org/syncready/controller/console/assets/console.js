// SyncReady console: the little the pages need beyond htmx (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  // A refused htmx request (403, 409, ...) shows its message instead of failing silently.
  document.addEventListener("htmx:responseError", function (e) {
    var target = e.detail.target;
    var text = e.detail.xhr && e.detail.xhr.responseText || String(e.detail.xhr && e.detail.xhr.status);
    try { var j = JSON.parse(text); if (j && j.message) { text = j.message; } } catch (ignored) { }
    if (target) {
      var p = document.createElement("p");
      p.className = "bad";
      p.setAttribute("role", "alert");
      p.textContent = text;
      target.appendChild(p);
    }
  });
  window.SyncReady = window.SyncReady || {};
})();
