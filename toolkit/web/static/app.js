// Progressive enhancement only: every page works without this file.
"use strict";
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  // filters apply as soon as a menu changes
  document.querySelectorAll("form.filters select").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // copy buttons, with a live character count of what they copy
  document.querySelectorAll("button.copy").forEach(function (btn) {
    var count = btn.parentElement.querySelector(".count");
    if (count) {
      count.textContent = Array.from(btn.dataset.copy || "").length + " characters";
      count.hidden = false;
    }
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var text = btn.dataset.copy || "";
      var done = function () { btn.textContent = "Copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { select(btn); });
      } else {
        select(btn);
      }
    });
  });
  function select(btn) {
    var p = btn.parentElement.querySelector(".alt");
    if (!p) { return; }
    var range = document.createRange();
    range.selectNodeContents(p);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    btn.textContent = "Selected: press Ctrl+C";
  }
});
