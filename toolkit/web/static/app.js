// Progressive enhancement only: every page works without this file. With
// it, filters apply as soon as a menu changes, captions and alt text can
// be edited before copying, copy buttons appear, and each text's count
// follows the edits.
"use strict";
document.documentElement.classList.add("js");

// count (platform, text) comes from count.js, loaded before this file.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });

  document.querySelectorAll("output.count").forEach(function (out) {
    var source = document.getElementById(out.getAttribute("for"));
    var limit = Number(out.getAttribute("data-limit"));
    var update = function () {
      var n = count(out.getAttribute("data-platform"), source.value);
      out.textContent = n + " / " + limit;
      out.classList.toggle("over", n > limit);
      out.title = n > limit ? "Over the limit by " + (n - limit) : "";
    };
    source.readOnly = false;
    source.addEventListener("input", update);
    update();
  });

  document.querySelectorAll("button.copy").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-for"));
    var status = button.parentElement.querySelector(".status");
    var say = function (msg) { status.textContent = msg; };
    var selectIt = function () {
      source.focus();
      source.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (e) {
        copied = false;
      }
      say(copied ? "Copied" : "Selected: press Ctrl+C (or ⌘C) to copy");
    };
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { say("Copied"); }, selectIt);
      } else {
        selectIt();
      }
    });
    button.hidden = false;
  });

  document.querySelectorAll(".hint[hidden]").forEach(function (el) { el.hidden = false; });
});
