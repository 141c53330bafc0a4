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
  // The phone field follows the provider chosen: its prefix and example, and a number of
  // another country is refused here, before anything is sent.
  var form = document.getElementById("pay-form");
  var phone = document.getElementById("phone");
  if (form && phone) {
    var prefix = document.getElementById("phone-prefix");
    var hint = document.getElementById("phone-hint");
    var problem = document.getElementById("phone-error");
    var chosen = function () {
      var input = form.querySelector("input[name=provider]:checked");
      return input ? input.closest("[data-provider]") : null;
    };
    var follow = function () {
      var choice = chosen();
      if (!choice) { return; }
      var example = choice.getAttribute("data-example");
      prefix.textContent = choice.getAttribute("data-prefix");
      prefix.hidden = false;
      phone.placeholder = example;
      hint.textContent = hint.getAttribute("data-template").replace("{example}", example);
      check();
    };
    var check = function () {
      var choice = chosen(), value = phone.value.replace(/[\s.\-()\/]/g, "");
      var wrong = choice && value.charAt(0) === "+" &&
        value.indexOf(choice.getAttribute("data-prefix")) !== 0;
      phone.setCustomValidity(wrong ? choice.getAttribute("data-wrong") : "");
      problem.textContent = wrong ? choice.getAttribute("data-wrong") : "";
      problem.hidden = !wrong;
      return !wrong;
    };
    form.querySelectorAll("input[name=provider]").forEach(function (input) {
      input.addEventListener("change", follow);
    });
    phone.addEventListener("input", check);
    form.addEventListener("submit", function (event) {
      if (!check()) { event.preventDefault(); phone.focus(); }
    });
  }
  // A payment still pending after a short while: the ways out appear (they are there without
  // script too).
  document.querySelectorAll("[data-reveal-after]").forEach(function (part) {
    var seconds = parseInt(part.getAttribute("data-reveal-after"), 10) || 0;
    window.setTimeout(function () { part.hidden = false; }, seconds * 1000);
  });
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
