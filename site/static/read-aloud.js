// 朗读本页: reads the page's main content aloud with the browser's own speech synthesis (zh-CN),
// paragraph by paragraph, marking and scrolling to the one being read. The control is hidden in
// the HTML and shown only where the browser can speak; the page is complete without it.
(function () {
  "use strict";
  var box = document.querySelector(".read-aloud");
  var main = document.getElementById("main");
  if (!box || !main || !window.speechSynthesis || typeof SpeechSynthesisUtterance !== "function") {
    return;
  }
  var synth = window.speechSynthesis;
  var start = box.querySelector("[data-action=start]");
  var pause = box.querySelector("[data-action=pause]");
  var stop = box.querySelector("[data-action=stop]");
  var status = box.querySelector("[role=status]");
  var blocks = [], index = 0, current = null, paused = false;
  var still = window.matchMedia("(prefers-reduced-motion: reduce)"); // who asked for less motion

  var skip = "nav, form, aside, .read-aloud, .visually-hidden, .honeypot, [hidden], [aria-hidden=true], script";
  var kinds = "h1, h2, h3, h4, p, li, dt, dd, tr, figcaption, caption";

  function collect() {
    var all = main.querySelectorAll(kinds), out = [];
    for (var i = 0; i < all.length; i++) {
      var el = all[i];
      if (el.closest(skip) || el.querySelector(kinds)) { continue; }
      var text = (el.innerText || el.textContent || "").replace(/\s+/g, " ").trim();
      if (text) { out.push({ el: el, text: text }); }
    }
    return out;
  }

  function mark(el) {
    if (current) { current.classList.remove("reading"); }
    current = el;
    if (el) {
      el.classList.add("reading");
      el.scrollIntoView({ block: "center", behavior: still.matches ? "auto" : "smooth" });
    }
  }

  function show(state) {
    start.hidden = state !== "idle";
    pause.hidden = state === "idle";
    stop.hidden = state === "idle";
    pause.textContent = state === "paused" ? "继续" : "暂停";
    status.textContent = state === "reading" ? "正在朗读" : state === "paused" ? "已暂停" : "";
  }

  function speak() {
    if (index >= blocks.length) { finish(); return; }
    var b = blocks[index];
    var u = new SpeechSynthesisUtterance(b.text);
    u.lang = "zh-CN";
    var voices = synth.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^zh(-|_)CN/i.test(voices[i].lang)) { u.voice = voices[i]; break; }
    }
    u.onend = function () { if (blocks.length) { index++; speak(); } };
    mark(b.el);
    synth.speak(u);
  }

  function finish() {
    synth.cancel();
    blocks = []; index = 0; paused = false;
    mark(null);
    show("idle");
  }

  start.addEventListener("click", function () {
    synth.cancel();
    blocks = collect(); index = 0; paused = false;
    show("reading");
    speak();
  });
  pause.addEventListener("click", function () {
    if (paused) { synth.resume(); paused = false; show("reading"); }
    else { synth.pause(); paused = true; show("paused"); }
  });
  stop.addEventListener("click", finish);
  window.addEventListener("pagehide", function () { synth.cancel(); });
  box.hidden = false;
  show("idle");
})();
