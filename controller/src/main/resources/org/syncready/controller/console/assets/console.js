// SyncReady console: the little the pages need beyond htmx (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  var SR = window.SyncReady = window.SyncReady || { liveUpdates: 0 };

  // A refused htmx request (403, 409, ...) shows its message instead of failing silently.
  document.addEventListener("htmx:responseError", function (e) {
    var target = e.detail.target;
    var text = e.detail.xhr && e.detail.xhr.responseText || String(e.detail.xhr && e.detail.xhr.status);
    try { var j = JSON.parse(text); if (j && j.message) { text = j.message; } } catch (ignored) { }
    if (target) {
      var p = document.createElement("p");
      p.className = "bad";
      p.setAttribute("role", "alert");
      p.textContent = text.length > 300 ? text.substring(0, 300) + "…" : text;
      target.appendChild(p);
    }
  });

  // ---- Box page: history charts (ECharts) and the live card's newest figures appended to them.
  var charts = null, data = null, range = "1h";

  function num(v) { return v === undefined || v === null || v === "" ? null : Number(v); }

  function pairs(t, values) {
    var out = [];
    for (var i = 0; i < t.length; i++) { out.push([t[i], values && i < values.length ? values[i] : null]); }
    return out;
  }

  function option(title, series, twoAxes) {
    return {
      title: { text: title, textStyle: { fontSize: 13, fontWeight: "normal" }, left: 0 },
      tooltip: { trigger: "axis" },
      legend: { top: 0, right: 0, textStyle: { fontSize: 11 } },
      grid: { left: 48, right: twoAxes ? 56 : 16, top: 32, bottom: 24 },
      xAxis: { type: "time" },
      yAxis: twoAxes ? [{ type: "value", scale: true }, { type: "value", scale: true }] : { type: "value", scale: true },
      series: series,
      animation: false
    };
  }

  function line(name, points, axis) {
    return { name: name, type: "line", showSymbol: false, connectNulls: false, data: points, yAxisIndex: axis || 0 };
  }

  function draw() {
    var box = document.getElementById("charts");
    var d = box.dataset, t = data.t;
    var mics = Object.keys(data.mics || {}).map(function (id) { return line(id, pairs(t, data.mics[id])); });
    charts.net.setOption(option(d.titleNet, [line(d.rtt, pairs(t, data.rtt)), line(d.jitter, pairs(t, data.jitter))]), true);
    charts.link.setOption(option(d.titleLink, [line(d.loss, pairs(t, data.loss)), line(d.uplink, pairs(t, data.uplink), 1)], true), true);
    charts.mics.setOption(option(d.titleMics, mics), true);
    charts.sys.setOption(option(d.titleSys, [line(d.cpu, pairs(t, data.cpu)), line(d.disk, pairs(t, data.disk), 1)], true), true);
    box.dataset.points = String(data.points);
  }

  function load(r) {
    range = r;
    var box = document.getElementById("charts");
    fetch("/console/boxes/" + encodeURIComponent(box.dataset.box) + "/history?range=" + r, { credentials: "same-origin" })
      .then(function (res) { return res.json(); })
      .then(function (json) { data = json; draw(); });
  }

  // A new live card: its figures become the newest point of the 1-hour charts.
  function appendLive(card) {
    if (!card || !data || range !== "1h") { return; }
    var ts = num(card.dataset.ts);
    if (ts === null || (data.t.length && ts <= data.t[data.t.length - 1])) { return; }
    data.t.push(ts);
    data.rtt.push(num(card.dataset.rtt)); data.jitter.push(num(card.dataset.jitter)); data.loss.push(num(card.dataset.loss));
    data.uplink.push(num(card.dataset.uplink)); data.cpu.push(num(card.dataset.cpu)); data.disk.push(num(card.dataset.disk));
    (card.dataset.mics || "").split(";").forEach(function (pair) {
      if (!pair) { return; }
      var i = pair.lastIndexOf(":"), id = pair.substring(0, i);
      data.mics[id] = data.mics[id] || [];
      while (data.mics[id].length < data.t.length - 1) { data.mics[id].push(null); }
      data.mics[id].push(num(pair.substring(i + 1)));
    });
    data.points = (data.points || 0) + 1;
    draw();
  }

  document.addEventListener("htmx:afterSettle", function (e) {
    if (e.target && e.target.id === "live-card") {
      SR.liveUpdates++;
      appendLive(e.target.querySelector(".boxcard"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("charts");
    if (!box || !window.echarts) { return; }
    var locale = box.dataset.lang === "en" ? "EN" : "ZH";
    charts = {};
    ["net", "link", "mics", "sys"].forEach(function (k) {
      charts[k] = window.echarts.init(document.getElementById("chart-" + k), null, { locale: locale, renderer: "canvas" });
    });
    window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });
    document.querySelectorAll("#ranges [data-range]").forEach(function (b) {
      b.addEventListener("click", function () {
        document.querySelectorAll("#ranges [data-range]").forEach(function (x) { x.classList.remove("on"); });
        b.classList.add("on");
        load(b.dataset.range);
      });
    });
    load("1h");
  });
})();
