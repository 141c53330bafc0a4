/* Live status (polls a small JSON endpoint until the payment is final) and the chart's
   captions. Everything else works without JavaScript. */
(function () {
  "use strict";
  var box = document.querySelector("[data-live]");
  if (box && box.getAttribute("data-state") === "waiting") {
    var url = box.getAttribute("data-live");
    var initial = box.getAttribute("data-status");
    var delay = 2000, waited = 0;
    var poll = function () {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (body) {
          if (body && (body.final || body.status !== initial)) { window.location.reload(); return; }
          next();
        })
        .catch(next);
    };
    var next = function () {
      waited += delay;
      if (waited > 15 * 60 * 1000) { return; }
      if (waited > 60 * 1000) { delay = 5000; }
      window.setTimeout(poll, delay);
    };
    window.setTimeout(poll, delay);
  }
  document.querySelectorAll(".chart").forEach(function (chart) {
    var caption = chart.querySelector(".caption");
    chart.querySelectorAll(".bar").forEach(function (bar) {
      var show = function () {
        chart.querySelectorAll(".bar.on").forEach(function (b) { b.classList.remove("on"); });
        bar.classList.add("on");
        if (caption) { caption.textContent = bar.getAttribute("data-label"); }
      };
      bar.addEventListener("click", show);
      bar.addEventListener("mouseenter", show);
    });
  });
})();
