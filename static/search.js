/* sitegen search: loads search.json once; every query word must start a word of a story's
   title, its actors, places and topics (with their aliases) or its summary. Filters narrow
   the results to stories naming given terms; query and filters live in the URL. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  if (!form || !window.fetch) return;
  var input = document.getElementById("search-q");
  var statusBox = document.getElementById("search-status");
  var out = document.getElementById("search-results");
  var base = form.getAttribute("data-base") || "./";
  var indexUrl = form.getAttribute("data-index");
  var LIMIT = 50;
  var FACETS = 6;
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var data = null;
  var loading = null;
  var timer = null;
  var filters = [];

  function norm(text) {
    return " " + String(text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .toLowerCase().replace(/['\u2018\u2019\u02bc\u02bb`]/g, "")
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim() + " ";
  }
  function has(text, word) { return text.indexOf(" " + word) !== -1; }
  function dateLabel(iso) {
    var p = iso.split("-");
    return +p[2] + " " + MONTHS[+p[1] - 1] + " " + p[0];
  }

  function prepare(raw) {
    var terms = raw.terms.map(function (t) {
      return { n: t.n, x: t.x, u: t.u, a: t.a || [], key: norm([t.n].concat(t.a || []).join(" ")) };
    });
    var byUrl = {};
    terms.forEach(function (t) { byUrl[t.u] = t; });
    var stories = raw.stories.map(function (s, i) {
      var own = s.k.map(function (k) { return terms[k]; });
      return {
        s: s, order: i, terms: own,
        title: norm(s.t), summary: norm(s.s),
        names: norm(own.map(function (t) { return t.key; }).join(" ") + " " + (s.w || []).join(" "))
      };
    });
    return { terms: terms, byUrl: byUrl, stories: stories };
  }

  function load() {
    if (!loading) {
      loading = fetch(indexUrl).then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      }).then(function (raw) { data = prepare(raw); return data; });
    }
    return loading;
  }

  function score(item, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var w = words[i];
      var best = has(item.title, w) ? 3 : has(item.names, w) ? 3 : has(item.summary, w) ? 1 : 0;
      if (!best) return 0;
      total += best;
    }
    return total || 1;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text) node.textContent = text;
    return node;
  }
  function link(href, text, cls) {
    var a = el("a", cls, text);
    a.href = base + href;
    return a;
  }

  function matching(words) {
    var wanted = filters.map(function (u) { return data.byUrl[u]; }).filter(Boolean);
    var hits = [];
    data.stories.forEach(function (item) {
      var s = score(item, words);
      if (s && wanted.every(function (t) { return item.terms.indexOf(t) !== -1; })) {
        hits.push({ item: item, score: s });
      }
    });
    return hits.sort(function (a, b) { return b.score - a.score || a.item.order - b.item.order; });
  }

  function facetButton(term, count, pressed) {
    var b = el("button", "chip facet", term.n + (count ? " (" + count + ")" : ""));
    b.type = "button";
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.setAttribute("data-term", term.u);
    return b;
  }

  function renderFacets(hits) {
    var counts = {};
    hits.forEach(function (h) {
      h.item.terms.forEach(function (t) {
        if (filters.indexOf(t.u) === -1) counts[t.u] = (counts[t.u] || 0) + 1;
      });
    });
    var box = el("section", "search-facets");
    box.appendChild(el("h2", null, "Narrow down"));
    var any = false;
    if (filters.length) {
      var active = el("p", "facet-row");
      active.appendChild(el("span", "label", "Only stories naming "));
      filters.forEach(function (u) {
        if (data.byUrl[u]) active.appendChild(facetButton(data.byUrl[u], 0, true));
      });
      box.appendChild(active);
      any = true;
    }
    ["Actor", "Location", "Topic"].forEach(function (kind) {
      var top = Object.keys(counts).filter(function (u) {
        return data.byUrl[u].x === kind && counts[u] < hits.length;
      }).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); }).slice(0, FACETS);
      if (!top.length) return;
      var row = el("p", "facet-row");
      row.appendChild(el("span", "label", kind + ": "));
      top.forEach(function (u) { row.appendChild(facetButton(data.byUrl[u], counts[u], false)); });
      box.appendChild(row);
      any = true;
    });
    if (any) out.appendChild(box);
  }

  function renderHit(hit, words) {
    var s = hit.item.s;
    var li = el("li", "item");
    var h = el("h3", "item-title");
    h.appendChild(link(s.u, s.t));
    li.appendChild(h);
    var meta = el("p", "meta");
    if (s.d) {
      var time = el("time", null, dateLabel(s.d));
      time.setAttribute("datetime", s.d);
      meta.appendChild(time);
    } else {
      meta.textContent = "Undated";
    }
    li.appendChild(meta);
    if (s.s) li.appendChild(el("p", "summary", s.s));
    var why = hit.item.terms.filter(function (t) {
      return words.some(function (w) { return has(t.key, w); });
    });
    if (why.length) {
      li.appendChild(el("p", "small", "Names: " + why.map(function (t) {
        return t.n + (t.a.length ? " (" + t.a.join(", ") + ")" : "");
      }).join("; ")));
    }
    return li;
  }

  function render(query) {
    var words = norm(query).trim().split(" ").filter(Boolean);
    out.textContent = "";
    if (!words.length && !filters.length) { statusBox.textContent = ""; return; }
    var terms = words.length ? data.terms.filter(function (t) {
      return words.every(function (w) { return has(t.key, w); });
    }).slice(0, 12) : [];
    var hits = matching(words);
    var what = query ? "\u201c" + query + "\u201d" : "the chosen filters";
    statusBox.textContent = hits.length === 0 && terms.length === 0
      ? "Nothing found for " + what + "."
      : hits.length + (hits.length === 1 ? " story" : " stories") + " found for " + what +
        (hits.length > LIMIT ? "; showing the best " + LIMIT + "." : ".");
    if (terms.length) {
      var box = el("section", "search-terms");
      box.appendChild(el("h2", null, "Actors, places and topics"));
      var ul = el("ul", "chips");
      terms.forEach(function (t) {
        var li = el("li");
        li.appendChild(link(t.u, t.n + " (" + t.x.toLowerCase() + ")", "chip"));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      out.appendChild(box);
    }
    if (hits.length > 1 || filters.length) renderFacets(hits);
    if (!hits.length) return;
    out.appendChild(el("h2", null, "Stories"));
    var list = el("ol", "search-hits");
    hits.slice(0, LIMIT).forEach(function (hit) { list.appendChild(renderHit(hit, words)); });
    out.appendChild(list);
  }

  function remember(query) {
    if (!window.history || !history.replaceState) return;
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    filters.forEach(function (u) { params.append("f", u); });
    var text = params.toString().replace(/\+/g, "%20");
    history.replaceState(null, "", text ? "?" + text : "./");
  }

  function run(push) {
    var query = input.value.trim();
    if (push) remember(query);
    if (!query && !filters.length) { out.textContent = ""; statusBox.textContent = ""; return; }
    if (data) { render(query); return; }
    statusBox.textContent = "Searching\u2026";
    load().then(function () { render(query); }, function (err) {
      statusBox.textContent = "The search index could not be loaded (" + err.message + ").";
    });
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(true); });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(true); }, 200);
  });
  out.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-term]");
    if (!button) return;
    var u = button.getAttribute("data-term");
    var at = filters.indexOf(u);
    if (at === -1) filters.push(u); else filters.splice(at, 1);
    run(true);
    var again = out.querySelector("button[data-term='" + u.replace(/'/g, "") + "']");
    (again || input).focus();
  });
  var params = new URLSearchParams(window.location.search);
  filters = params.getAll("f");
  input.value = params.get("q") || "";
  if (input.value || filters.length) run(false);
})();
