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
    button.addEventListener("click", function () {
      copyText(source, function (copied) { say(copied ? button.dataset.copied : button.dataset.selected); });
    });
    button.hidden = false;
  });

  document.querySelectorAll(".hint[hidden]").forEach(function (el) { el.hidden = false; });
});

// The operator's dashboard asks the server for its live part every two
// seconds and swaps in each part that changed (the banner, the runners,
// each post's state), so it tells the truth without a reload. A button
// that had the focus keeps it. Without this script the page is the same,
// as of when it was loaded, with a Refresh link.
document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("live");
  if (!box || !window.fetch) {
    return;
  }
  var status = document.getElementById("live-status");
  var every = 2000;
  var swap = function (html) {
    var fresh = document.createElement("div");
    fresh.innerHTML = html;
    var focused = document.activeElement;
    var form = focused && box.contains(focused) ? focused.closest("form") : null;
    var action = form ? form.getAttribute("action") : null;
    var ids = function (el) { return Array.prototype.map.call(el.children, function (c) { return c.id; }).join(" "); };
    if (ids(fresh) !== ids(box)) {
      // parts came or went (the queue appeared): take the whole
      box.innerHTML = html;
    }
    Array.prototype.forEach.call(fresh.children, function (part) {
      var old = part.id ? document.getElementById(part.id) : null;
      if (old && box.contains(old) && old.outerHTML !== part.outerHTML) {
        old.replaceWith(part.cloneNode(true));
      }
    });
    if (action && !document.contains(focused)) {
      var again = box.querySelector('form[action="' + action + '"] button');
      if (again) {
        again.focus();
      }
    }
  };
  var poll = function () {
    fetch(box.dataset.live, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "text/html"}}).then(function (res) {
      if (res.status === 401) {
        status.textContent = box.dataset.ended;
        return;
      }
      if (!res.ok) {
        throw new Error(res.status);
      }
      return res.text().then(function (html) {
        status.textContent = "";
        swap(html);
        setTimeout(poll, every);
      });
    }).catch(function () {
      status.textContent = box.dataset.unreachable;
      setTimeout(poll, every * 2);
    });
  };
  setTimeout(poll, every);
  document.querySelectorAll("a.refresh").forEach(function (a) { a.hidden = true; });
});
