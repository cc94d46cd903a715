// Counting as the platforms count, for pages that show a live count beside
// a caption: the same rules as Count in package caption, one for one, so the
// count a page starts with and the live count agree. Pages load this file
// before their own script; it defines one global function, count.
"use strict";

// count returns the length of text as platform counts it against its
// limit. It follows the server's rules (package caption, Count) one for
// one, so the count the page starts with and the live count agree:
//
//   x: the weighted length of the NFC form: most code points below U+1100
//      and some punctuation weigh 1, others 2 (CJK among them); an emoji
//      counts 2 however many code points it has; a link counts 23.
//   bluesky: grapheme clusters.
//   mastodon: grapheme clusters, every http(s) link counting 23 and a
//      mention @user@domain counting as @user.
//   anything else: code points.
var count = (function () {
  var segmenter = typeof Intl !== "undefined" && Intl.Segmenter ?
    new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

  // graphemes splits text into grapheme clusters, or into code points
  // where the browser cannot segment.
  function graphemes(text) {
    if (!segmenter) {
      return Array.from(text);
    }
    return Array.from(segmenter.segment(text), function (s) { return s.segment; });
  }

  // Links: X also finds www.… and bare domains, Mastodon only http(s).
  // The flags give the same case folding as the server's (?i); \b is
  // spelled out because it must stay ASCII.
  var schemeURL = /https?:\/\/[!-~]+/giu;
  var anyURL = /https?:\/\/[!-~]+|www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+[!-~]*|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:com|org|net|int|edu|gov|info)(?![0-9A-Za-z_])(?:\/[!-~]*)?/giu;
  var mention = /@([a-z0-9_]+(?:[.\-]+[a-z0-9_]+)*)(?:@[\p{L}\p{N}_]+(?:[.\-]+[\p{L}\p{N}_]+)*)?/giu;
  var word = /^[\p{L}\p{Nd}\p{M}_]$/u;

  function isWord(ch) { return ch !== "" && word.test(ch); }

  // before returns the character (code point) that ends text[0:i].
  function before(text, i) {
    return i > 0 ? Array.from(text.slice(Math.max(0, i - 2), i)).pop() : "";
  }

  // trimURL drops the punctuation ending the sentence around a link, and
  // closing brackets the link did not open.
  function trimURL(u) {
    var n = function (c) { return u.split(c).length - 1; };
    while (u !== "") {
      var last = u[u.length - 1];
      if (".,;:!?'\"*".indexOf(last) < 0 &&
        !(last === ")" && n("(") < n(")")) &&
        !(last === "]" && n("[") < n("]"))) {
        return u;
      }
      u = u.slice(0, -1);
    }
    return u;
  }

  // split cuts text into links and the text between them; a match that is
  // part of an e-mail address, a path or a longer word is no link.
  function split(text, re) {
    var parts = [];
    var last = 0;
    var m;
    re.lastIndex = 0;
    while ((m = re.exec(text)) !== null) {
      var prev = before(text, m.index);
      if (prev !== "" && ("@./-".indexOf(prev) >= 0 || isWord(prev))) {
        continue;
      }
      var end = m.index + trimURL(m[0]).length;
      if (m.index > last) {
        parts.push({ text: text.slice(last, m.index), url: false });
      }
      parts.push({ text: text.slice(m.index, end), url: true });
      last = end;
    }
    if (last < text.length) {
      parts.push({ text: text.slice(last), url: false });
    }
    return parts;
  }

  function isRegional(cp) { return cp >= 0x1f1e6 && cp <= 0x1f1ff; }

  // pictograph: the blocks emoji are drawn from.
  function pictograph(r) {
    return r === 0xa9 || r === 0xae || r === 0x203c || r === 0x2049 || r === 0x2122 || r === 0x2139 ||
      (r >= 0x2194 && r <= 0x21aa) || (r >= 0x231a && r <= 0x23ff) || r === 0x24c2 ||
      (r >= 0x25aa && r <= 0x25fe) || (r >= 0x2600 && r <= 0x27bf) || (r >= 0x2934 && r <= 0x2935) ||
      (r >= 0x2b05 && r <= 0x2b55) || r === 0x3030 || r === 0x303d || r === 0x3297 || r === 0x3299 ||
      (r >= 0x1f000 && r <= 0x1faff) || (r >= 0x1fc00 && r <= 0x1fffd);
  }

  // isEmoji: a pictograph alone, or a sequence that only makes sense as
  // one (flag, keycap, skin tone, ZWJ sequence, emoji presentation).
  function isEmoji(g) {
    var cps = Array.from(g, function (c) { return c.codePointAt(0); });
    var first = cps[0];
    if (cps.length === 1) {
      return first >= 0x1f000 || (first >= 0x2600 && first <= 0x27bf) ||
        (first >= 0x231a && first <= 0x23ff) || (first >= 0x2b05 && first <= 0x2b55);
    }
    if (isRegional(first)) {
      return cps.length === 2 && isRegional(cps[1]);
    }
    var keycapBase = first === 0x23 || first === 0x2a || (first >= 0x30 && first <= 0x39);
    for (var i = 1; i < cps.length; i++) {
      var r = cps[i];
      if (r === 0x20e3) {
        if (keycapBase) {
          return true;
        }
      } else if (r === 0xfe0f || r === 0x200d || (r >= 0x1f3fb && r <= 0x1f3ff) || (r >= 0xe0020 && r <= 0xe007f)) {
        if (pictograph(first)) {
          return true;
        }
      }
    }
    return false;
  }

  function xWeight(cp) {
    return cp <= 0x10ff || (cp >= 0x2000 && cp <= 0x200d) || (cp >= 0x2010 && cp <= 0x201f) ||
      (cp >= 0x2032 && cp <= 0x2037) ? 1 : 2;
  }

  function countX(text) {
    var n = 0;
    split(text.normalize("NFC"), anyURL).forEach(function (p) {
      if (p.url) {
        n += 23;
        return;
      }
      graphemes(p.text).forEach(function (g) {
        if (isEmoji(g)) {
          n += 2;
          return;
        }
        Array.from(g).forEach(function (c) { n += xWeight(c.codePointAt(0)); });
      });
    });
    return n;
  }

  function countMastodon(text) {
    var n = 0;
    split(text, schemeURL).forEach(function (p) {
      if (p.url) {
        n += 23;
        return;
      }
      var t = p.text;
      var out = "";
      var last = 0;
      var m;
      mention.lastIndex = 0;
      while ((m = mention.exec(t)) !== null) {
        var prev = before(t, m.index);
        if (prev !== "" && (prev === "=" || prev === "/" || isWord(prev))) {
          continue;
        }
        out += t.slice(last, m.index) + "@" + m[1];
        last = m.index + m[0].length;
      }
      n += graphemes(out + t.slice(last)).length;
    });
    return n;
  }

  return function (platform, text) {
    switch (platform) {
      case "x":
        return countX(text);
      case "bluesky":
        return graphemes(text).length;
      case "mastodon":
        return countMastodon(text);
    }
    return Array.from(text).length;
  };
})();
