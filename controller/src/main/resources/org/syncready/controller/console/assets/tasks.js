// SyncReady console, task pages (timetable, rollouts, reports, audit, users, account). No inline scripts: the CSP forbids them.
(function () {
  "use strict";

  // A form marked data-swap-errors shows its refusal (400, 403, 409, 422, 429 ...) in place: the server answers a
  // fragment saying what is wrong, or an error page whose message is taken from it.
  document.addEventListener("htmx:beforeSwap", function (e) {
    var xhr = e.detail.xhr;
    if (!xhr || xhr.status < 400) { return; }
    var from = e.detail.requestConfig && e.detail.requestConfig.elt;
    var marked = (from && from.closest && from.closest("[data-swap-errors]")) ||
      (e.detail.target && e.detail.target.closest && e.detail.target.closest("[data-swap-errors]"));
    var form = from && from.form ? from.form : null;
    if (!marked && form && form.hasAttribute("data-swap-errors")) { marked = form; }
    if (!marked) { return; }
    var text = xhr.responseText || "";
    if (/^\s*<!doctype/i.test(text)) {
      var doc = new DOMParser().parseFromString(text, "text/html");
      var page = doc.querySelector(".error-page");
      var box = document.createElement("div");
      box.className = "failure";
      box.setAttribute("role", "alert");
      box.setAttribute("data-status", String(xhr.status));
      var p = document.createElement("p");
      p.className = "bad";
      p.textContent = page ? page.textContent.replace(/\s+/g, " ").trim() : String(xhr.status);
      box.appendChild(p);
      e.detail.serverResponse = box.outerHTML;
      if (e.detail.target && e.detail.target.id === "progress") {
        // A refused action on a rollout: keep the rollout, show why above it.
        e.detail.target.insertAdjacentHTML("afterbegin", box.outerHTML);
        e.detail.shouldSwap = false;
        e.detail.isError = false;
        return;
      }
    }
    e.detail.shouldSwap = true;
    e.detail.isError = false;
  });

  // Copy buttons (a token's secret): the clipboard where the browser allows it, else select the text.
  document.addEventListener("click", function (e) {
    var b = e.target.closest && e.target.closest("[data-copy]");
    if (!b) { return; }
    var input = document.getElementById(b.getAttribute("data-copy"));
    if (!input) { return; }
    var done = function () { b.textContent = b.getAttribute("data-copied") || b.textContent; b.classList.add("copied"); };
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () { document.execCommand("copy"); done(); });
    } else {
      document.execCommand("copy");
      done();
    }
  });

  // Forms that ask first (delete a session, revoke a token).
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f && f.hasAttribute && f.hasAttribute("data-confirm") && !window.confirm(f.getAttribute("data-confirm"))) {
      e.preventDefault();
    }
  }, true);

  // Report charts: data in data-chart (JSON), drawn with ECharts in the page's language.
  function charts(root) {
    if (!window.echarts) { return; }
    var els = (root || document).querySelectorAll(".report-chart[data-chart]");
    Array.prototype.forEach.call(els, function (el) {
      if (el.getAttribute("data-drawn")) { return; }
      var d = JSON.parse(el.getAttribute("data-chart"));
      if (!d.labels || !d.labels.length) { return; }
      var chart = window.echarts.init(el, null, { locale: d.locale || "ZH" });
      chart.setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 56, top: 36, bottom: 72 },
        xAxis: { type: "category", data: d.labels, axisLabel: { interval: 0, rotate: d.labels.length > 4 ? 30 : 0 } },
        yAxis: [
          { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
          { type: "value", min: 0, minInterval: 1 }
        ],
        series: [
          { name: d.names.rate, type: "bar", data: d.rate, itemStyle: { color: "#1b7f3b" }, label: { show: true, position: "top", formatter: "{c}%" } },
          { name: d.names.minutesLost, type: "line", yAxisIndex: 1, data: d.minutesLost, itemStyle: { color: "#c62828" } }
        ]
      });
      el.setAttribute("data-drawn", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { charts(document); });
  document.addEventListener("htmx:afterSwap", function (e) {
    charts(e.target);
    // A result below the form (a dry run, a refusal) is brought into view.
    if (e.target && e.target.hasAttribute && e.target.hasAttribute("data-reveal")) { e.target.scrollIntoView({ block: "start" }); }
  });
})();
