// The live preview page: it draws the campaign from /state.json and, on
// each event from /events, fetches the state again and updates the page in
// place. Images already on the page are kept as they are, so only the
// cards an edit changed load again.
"use strict";

(function () {
  const cards = document.getElementById("cards");
  const statusEl = document.getElementById("status");
  const langSel = document.getElementById("lang");
  const presetSel = document.getElementById("preset");
  let fetching = false;
  let again = false;
  let last = null;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === "class") e.className = v;
      else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return e;
  }

  function problemList(ps) {
    if (!ps || ps.length === 0) return null;
    return el("ul", { class: "problems" }, ...ps.map((p) =>
      el("li", { class: p.warning ? "warning" : null },
        p.where ? el("span", { class: "where" }, p.where) : null,
        (p.warning ? "warning: " : "") + p.msg)));
  }

  function statusText(s) {
    switch (s.status) {
      case "loading": return "Loading…";
      case "drawing": return "Drawing " + s.drawn + " of " + s.to_draw + " images…";
      case "checking": return "Checking the campaign…";
      default: return s.failed ? "The last edit does not load: showing the last good version." : "Up to date.";
    }
  }

  // images on the page by card|lang|preset, kept across updates so that
  // an unchanged image is not loaded again
  const images = new Map();

  // sizes by preset name, for the images' width and height attributes,
  // so the page keeps its layout while they load
  let sizes = new Map();

  function figure(card, lang, im) {
    const id = card.id + "|" + lang.lang + "|" + im.preset;
    let img = null;
    if (im.url) {
      img = images.get(id);
      if (!img || img.getAttribute("src") !== im.url) {
        const size = sizes.get(im.preset) || {};
        img = el("img", { src: im.url, loading: "lazy", alt: lang.alt, width: size.width, height: size.height });
        images.set(id, img);
      } else if (img.getAttribute("alt") !== lang.alt) {
        img.setAttribute("alt", lang.alt);
      }
    } else {
      images.delete(id);
    }
    const failed = im.problems && im.problems.length > 0;
    const cls = failed ? "failed" : im.pending ? "pending" : null;
    return el("figure", { class: cls, "data-image": id }, img,
      el("figcaption", {}, im.preset + (im.pending ? " (drawing…)" : "")),
      problemList(im.problems));
  }

  function texts(lang) {
    const dl = el("dl", { class: "texts" });
    for (const c of lang.captions) {
      dl.append(el("dt", {}, c.platform));
      if (c.text) {
        const over = c.limit > 0 && c.count > c.limit;
        dl.append(el("dd", { class: over ? "over" : null, "data-caption": c.platform, lang: lang.lang, dir: lang.dir },
          c.text, el("span", { class: "count", dir: "ltr" }, c.count + (c.limit ? " / " + c.limit : ""))));
      } else {
        dl.append(el("dd", { class: "none" }, c.problem || "no caption"));
      }
    }
    dl.append(el("dt", {}, "alt text"), el("dd", { lang: lang.lang, dir: lang.dir }, lang.alt));
    return dl;
  }

  function render(s) {
    last = s;
    document.getElementById("name").textContent = (s.name || "campaign") + " — preview";
    statusEl.textContent = statusText(s);
    fillSelect(langSel, s.languages.map((l) => l.tag));
    fillSelect(presetSel, s.presets.map((p) => p.name));
    const failed = document.getElementById("failed");
    failed.replaceChildren();
    failed.hidden = !s.failed;
    if (s.failed) failed.append(el("h2", {}, "The campaign does not load"), problemList(s.failed));
    const problems = document.getElementById("problems");
    problems.replaceChildren();
    problems.hidden = s.problems.length === 0;
    if (s.problems.length) problems.append(el("h2", {}, "Problems not about one card"), problemList(s.problems));
    const dirs = new Map(s.languages.map((l) => [l.tag, l.dir]));
    sizes = new Map(s.presets.map((p) => [p.name, p]));
    const wantLang = langSel.value;
    const wantPreset = presetSel.value;
    const seen = new Set();
    const sections = s.cards.map((card) => {
      const langs = card.languages
        .filter((l) => !wantLang || l.lang === wantLang)
        .map((l) => {
          l.dir = dirs.get(l.lang) || "ltr";
          const figs = l.images.filter((im) => !wantPreset || im.preset === wantPreset).map((im) => {
            seen.add(card.id + "|" + l.lang + "|" + im.preset);
            return figure(card, l, im);
          });
          return el("div", { class: "lang", "data-lang": l.lang },
            el("h3", {}, l.lang), el("div", { class: "images" }, ...figs), texts(l));
        });
      return el("section", { class: "card" + (card.problems.length ? " has-problems" : ""), id: "card-" + card.id, "data-card": card.id },
        el("h2", {}, card.id + " ", el("span", { class: "kind" }, card.kind)),
        problemList(card.problems), ...langs);
    });
    for (const id of Array.from(images.keys())) if (!seen.has(id)) images.delete(id);
    cards.replaceChildren(...sections);
  }

  function fillSelect(sel, values) {
    const have = Array.from(sel.options).slice(1).map((o) => o.value);
    if (have.join("\n") === values.join("\n")) return;
    const keep = sel.value;
    sel.replaceChildren(el("option", { value: "" }, "all"), ...values.map((v) => el("option", { value: v }, v)));
    sel.value = values.includes(keep) ? keep : "";
  }

  async function refresh() {
    if (fetching) { again = true; return; }
    fetching = true;
    try {
      do {
        again = false;
        const resp = await fetch("/state.json", { cache: "no-store" });
        if (resp.ok) render(await resp.json());
      } while (again);
    } catch (e) {
      statusEl.textContent = "The preview server does not answer.";
    } finally {
      fetching = false;
    }
  }

  langSel.addEventListener("change", () => last && render(last));
  presetSel.addEventListener("change", () => last && render(last));
  const events = new EventSource("/events");
  events.onmessage = refresh;
  events.onerror = () => { statusEl.textContent = "Reconnecting to the preview server…"; };
  refresh();
})();
