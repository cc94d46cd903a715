// Progressive enhancement only: every page works without this file. With
// it, captions and alt text can be edited before copying, copy buttons
// appear, each text's count follows the edits, and a card picture the
// server was too busy to draw is asked for again. The filters apply only
// when their button is pressed: a menu that changed the page as soon as
// its value changed would move keyboard users away as they browse it.
"use strict";
document.documentElement.classList.add("js");

// retryImage asks again for a picture that failed to load: when the
// server answers 503 or 429 it waits as long as Retry-After says, then
// reloads the picture, up to 8 times.
function retryImage(img) {
  var tries = Number(img.dataset.tries || 0);
  if (tries >= 8) {
    return;
  }
  img.dataset.tries = tries + 1;
  var src = img.dataset.src || img.getAttribute("src");
  img.dataset.src = src;
  var again = function (seconds) {
    setTimeout(function () {
      img.src = src + (src.indexOf("?") < 0 ? "?" : "&") + "try=" + (tries + 1);
    }, seconds * (750 + Math.random() * 500));
  };
  fetch(src, {method: "HEAD", cache: "no-store"}).then(function (res) {
    if (res.ok) {
      again(0);
    } else if (res.status === 503 || res.status === 429) {
      again(Number(res.headers.get("Retry-After")) || 2);
    }
  }, function () { again(2); });
}
document.addEventListener("error", function (e) {
  if (e.target instanceof HTMLImageElement) {
    retryImage(e.target);
  }
}, true);

// count (platform, text) comes from count.js, loaded before this file.
document.addEventListener("DOMContentLoaded", function () {
  // pictures that failed before this script ran
  Array.prototype.forEach.call(document.images, function (img) {
    if (img.complete && img.naturalWidth === 0 && img.getAttribute("src")) {
      retryImage(img);
    }
  });

  document.querySelectorAll("output.count").forEach(function (out) {
    var source = document.getElementById(out.getAttribute("for"));
    var limit = Number(out.getAttribute("data-limit"));
    var update = function () {
      var n = count(out.getAttribute("data-platform"), source.value);
      out.textContent = n + " / " + limit;
      out.classList.toggle("over", n > limit);
      out.title = n > limit ? out.dataset.over + " " + (n - limit) : "";
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
      say(copied ? button.dataset.copied : button.dataset.selected);
    };
    button.addEventListener("click", function () {
      if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(function () { say(button.dataset.copied); }, selectIt);
      } else {
        selectIt();
      }
    });
    button.hidden = false;
  });

  document.querySelectorAll(".hint[hidden]").forEach(function (el) { el.hidden = false; });
});
