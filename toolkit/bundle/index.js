// The toolkit page's behaviour. The page is complete without it: every
// card and caption is shown, and the controls that need it (filters, copy
// buttons, character counts) stay hidden until this runs.
"use strict";
(function () {
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  function graphemes(text) {
    if (!segmenter) {
      return Array.from(text);
    }
    return Array.from(segmenter.segment(text), function (s) { return s.segment; });
  }

  // URLs as the platforms find them: with a scheme or starting with www.,
  // without the punctuation that ends a sentence around them.
  var urlPattern = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;

  function splitURLs(text) {
    var parts = [];
    var last = 0;
    text.replace(urlPattern, function (url, at) {
      var trimmed = url;
      for (;;) {
        var t = trimmed.replace(/[.,;:!?'"\]]$/, "");
        if (t === trimmed && /\)$/.test(t) && t.indexOf("(") < 0) {
          t = t.slice(0, -1); // a closing bracket around the link
        }
        if (t === trimmed) {
          break;
        }
        trimmed = t;
      }
      parts.push({ text: text.slice(last, at), url: "" });
      parts.push({ text: "", url: trimmed });
      last = at + trimmed.length;
      return url;
    });
    parts.push({ text: text.slice(last), url: "" });
    return parts;
  }

  // X counts most scripts' characters twice (CJK, Arabic past U+10FF,
  // emoji) and every link as 23.
  function xWeight(cp) {
    if (cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) || (cp >= 0x2032 && cp <= 0x2037)) {
      return 1;
    }
    return 2;
  }
  var emoji = /\p{Extended_Pictographic}/u;

  function countX(text) {
    var n = 0;
    splitURLs(text.normalize("NFC")).forEach(function (p) {
      if (p.url) {
        n += 23;
        return;
      }
      graphemes(p.text).forEach(function (g) {
        if (emoji.test(g)) {
          n += 2;
          return;
        }
        for (var i = 0; i < g.length; i++) {
          var cp = g.codePointAt(i);
          if (cp > 0xffff) {
            i++;
          }
          n += xWeight(cp);
        }
      });
    });
    return n;
  }

  // Mastodon counts characters, every link as 23 and a remote mention
  // (@name@server) by its name alone.
  function countMastodon(text) {
    var n = 0;
    splitURLs(text).forEach(function (p) {
      if (p.url) {
        n += 23;
        return;
      }
      n += Array.from(p.text.replace(/(@[\w.]+)@[\w.-]+\w/g, "$1")).length;
    });
    return n;
  }

  var counters = {
    x: countX,
    bluesky: function (text) { return graphemes(text).length; },
    mastodon: countMastodon
  };

  function count(platform, text) {
    var f = counters[platform] || function (t) { return Array.from(t).length; };
    return f(text);
  }

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
    var source = document.getElementById(button.getAttribute("data-for"));
    var text = source.value;
    function selectIt() {
      source.focus();
      source.select();
      var copied = false;
      try {
        copied = document.execCommand("copy");
      } catch (e) {
        copied = false;
      }
      say(button, copied ? "Copied" : "Selected: press Ctrl+C (or Cmd+C) to copy");
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { say(button, "Copied"); }, selectIt);
    } else {
      selectIt();
    }
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
