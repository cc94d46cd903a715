// The toolkit page's behaviour. The page is complete without it: every
// card and caption is shown, and the controls that need it (filters, copy
// buttons, character counts) stay hidden until this runs.
"use strict";
(function () {
  // count (platform, text) comes from package caption's count.js,
  // inlined before this script.

  function updateCount(out) {
    var source = document.getElementById(out.getAttribute("for"));
    var limit = Number(out.getAttribute("data-limit"));
    var n = count(out.getAttribute("data-platform"), source.value);
    out.textContent = n + " / " + limit;
    out.classList.toggle("over", n > limit);
    out.title = n > limit ? "Over the limit by " + (n - limit) : "";
  }

  function say(button, message) {
    var status = button.parentElement.querySelector(".status");
    if (status) {
      status.textContent = message;
    }
  }

  function copy(button) {
    copyText(document.getElementById(button.getAttribute("data-for")), function (copied) {
      say(button, copied ? "Copied" : "Selected: press Ctrl+C (or Cmd+C) to copy");
    });
  }

  function applyFilters(form) {
    var lang = form.elements.lang.value;
    var platform = form.elements.platform.value;
    var posts = 0;
    document.querySelectorAll("section.lang").forEach(function (sec) {
      sec.hidden = lang !== "" && sec.getAttribute("data-lang") !== lang;
    });
    document.querySelectorAll(".caption").forEach(function (c) {
      c.hidden = platform !== "" && c.getAttribute("data-platform") !== platform;
    });
    document.querySelectorAll(".post").forEach(function (p) {
      var platforms = (p.getAttribute("data-platforms") || "").split(" ");
      p.hidden = platform !== "" && platforms.indexOf(platform) < 0;
      if (!p.hidden && !p.closest("section.lang").hidden) {
        posts++;
      }
    });
    var status = document.getElementById("filter-status");
    status.textContent = posts === 1 ? "1 post shown" : posts + " posts shown";
  }

  document.documentElement.classList.add("js");
  document.querySelectorAll("output.count").forEach(function (out) {
    updateCount(out);
    document.getElementById(out.getAttribute("for")).addEventListener("input", function () { updateCount(out); });
    out.hidden = false;
  });
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () { copy(button); });
    button.hidden = false;
  });
  var form = document.querySelector("form.filters");
  if (form) {
    form.addEventListener("change", function () { applyFilters(form); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      applyFilters(form);
    });
    form.hidden = false;
  }
})();
