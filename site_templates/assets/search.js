/* Client-side search over the prebuilt index in search-index.js (window.KUTSE_SEARCH; its format
   is described in kutse_rdf/site/search.py, SearchIndex.files). Works offline and from file://:
   no fetch (the snippet texts are scripts too), results built with DOM calls (no innerHTML).
   The tokeniser must match search.py's: lower case, diacritics removed, runs of [a-z0-9.] with
   outer dots stripped. */
(function () {
  "use strict";
  var index = window.KUTSE_SEARCH;
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var input = document.getElementById("q");
  if (!index || !list || !input) { return; }
  var PAGE = 50;  // results shown at a time (each may load its standard's snippet texts)

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function tokens(text) {
    return (fold(text).match(/[a-z0-9.]+/g) || [])
      .map(function (t) { return t.replace(/^\.+|\.+$/g, ""); })
      .filter(function (t) { return t.length > 0; });
  }
  // The parts as one index (search.py, read_index, does the same): each part's docs are
  // numbered from 0, the parts' docs here one after another
  var docs = [], terms = Object.create(null), textFiles = {}, partOf = [];
  index.parts.forEach(function (part) {
    var base = docs.length;
    part[0].forEach(function (d) {
      if (d.length > 6 && d[6] >= 0) { d[6] += base; }
      docs.push(d);
      partOf.push(base);
    });
    Object.keys(part[1]).forEach(function (term) {
      var from = part[1][term], into = terms[term] || (terms[term] = []);
      for (var i = 0; i < from.length; i += 2) { into.push(from[i] + base, from[i + 1]); }
    });
    if (part[2]) { textFiles[base] = part[2]; }  // a part's first doc -> its snippet script
  });
  var termList = Object.keys(terms);

  function parentOf(d) { return d.length > 6 ? d[6] : -1; }
  // a doc's path from the tree's root: relative to its standard's, unless it starts with "/"
  function pathOf(d) {
    var up = parentOf(d);
    if (up < 0) { return d[0]; }
    return d[0].charAt(0) === "/" ? d[0].slice(1) : docs[up][0] + d[0];
  }

  // Score of each document for one query token: exact token match counts double a prefix match.
  function scoresFor(token) {
    var scores = {};
    termList.forEach(function (term) {
      if (term.lastIndexOf(token, 0) !== 0) { return; }
      var factor = term === token ? 2 : 1;
      var postings = terms[term];
      for (var i = 0; i < postings.length; i += 2) {
        var doc = postings[i], score = postings[i + 1] * factor;
        if (!scores[doc] || scores[doc] < score) { scores[doc] = score; }
      }
    });
    return scores;
  }

  function search(words) {
    if (!words.length) { return []; }
    var total = null;
    words.forEach(function (word) {
      var scores = scoresFor(word);
      if (total === null) { total = scores; return; }
      var next = {};
      Object.keys(total).forEach(function (doc) {
        if (scores[doc]) { next[doc] = total[doc] + scores[doc]; }
      });
      total = next;
    });
    return Object.keys(total).map(function (doc) {
      var d = docs[doc];
      return { n: +doc, doc: d, score: total[doc] * 10 + d[5] };
    }).sort(function (a, b) {
      // among equal hits the shorter title first (more of it matched), then by name
      return b.score - a.score || a.doc[1].length - b.doc[1].length || a.doc[1].localeCompare(b.doc[1]);
    });
  }

  function hrefOf(path) {  // a folder's page, or a section of it ("queries/#level-check")
    var parts = path.split("#");
    return list.getAttribute("data-prefix") + encodeURI(parts[0]) + "index.html" +
      (parts.length > 1 ? "#" + encodeURIComponent(parts[1]) : "");
  }
  function kindName(k) {
    var kind = index.kinds[k];
    return list.getAttribute("data-kind-" + kind.replace(/_/g, "-")) || kind;
  }
  // e-CF 4.0 and 3.0 share codes: the version tells the two apart
  function versionOf(path) {
    var version = /^ecf\/(\d+\.\d+)\//.exec(path);
    return version ? "e-CF " + version[1] : "";
  }
  // a doc's title in the page's language, where the index has one
  var pageLang = document.documentElement.lang;
  function titleOf(d) {
    var other = d.length > 8 && d[8][pageLang];
    var title = span("title", other ? other[0] : d[1]), lang = other ? other[1] : d[2];
    if (lang && lang !== pageLang) { title.lang = lang; }
    return title;
  }
  function span(className, text) {
    var s = document.createElement("span");
    s.className = className;
    s.textContent = text;
    return s;
  }

  // -- snippets: the text a competence was found by, its matched words marked ----------------
  var loaded = {}, waiting = {};
  function withTexts(chunk, done) {
    var name = textFiles[chunk];
    if (!name) { return; }
    if (loaded[chunk]) { done(loaded[chunk]); return; }
    if (waiting[chunk]) { waiting[chunk].push(done); return; }
    waiting[chunk] = [done];
    var script = document.createElement("script");
    script.src = list.getAttribute("data-assets") + "search/" + name + ".js";
    script.onload = function () {
      loaded[chunk] = (window.KUTSE_SEARCH_TEXT || {})[name] || {};
      waiting[chunk].forEach(function (f) { f(loaded[chunk]); });
      delete waiting[chunk];
    };
    document.head.appendChild(script);
  }

  // The words of a text with their places: runs of characters that fold into [a-z0-9.].
  function words(text) {
    var found = [], start = -1;
    for (var i = 0; i <= text.length; i++) {
      var inWord = i < text.length && /^[a-z0-9.]+$/.test(fold(text.charAt(i)));
      if (inWord && start < 0) { start = i; }
      if (!inWord && start >= 0) {
        var raw = text.slice(start, i), lead = raw.length - raw.replace(/^\.+/, "").length;
        var token = fold(raw).replace(/^\.+|\.+$/g, "");
        if (token) { found.push({ start: start + lead, end: start + lead + token.length, token: token }); }
        start = -1;
      }
    }
    return found;
  }
  function matching(word, query) {
    return query.some(function (q) { return word.token.lastIndexOf(q, 0) === 0; });
  }
  // The text matching most query words (the first of them in source order), cut to ~200
  // characters around its first match; null when none matches.
  function snippet(texts, query) {
    var best = null, bestCount = 0;
    texts.forEach(function (text) {
      var marks = words(text).filter(function (w) { return matching(w, query); });
      var count = {};
      marks.forEach(function (w) { query.forEach(function (q) { if (w.token.lastIndexOf(q, 0) === 0) { count[q] = 1; } }); });
      var n = Object.keys(count).length;
      if (n > bestCount) { best = { text: text, marks: marks }; bestCount = n; }
    });
    if (!best) { return null; }
    var text = best.text, from = 0, to = text.length;
    if (to > 220) {
      from = Math.max(0, best.marks[0].start - 60);
      from = from > 0 ? text.indexOf(" ", from) + 1 || from : 0;
      to = Math.min(text.length, from + 200);
      var space = text.lastIndexOf(" ", to);
      if (to < text.length && space > from) { to = space; }
    }
    var p = document.createElement("p");
    p.className = "snippet";
    var at = from;
    if (from > 0) { p.appendChild(document.createTextNode("… ")); }
    best.marks.forEach(function (w) {
      if (w.start < at || w.end > to) { return; }
      p.appendChild(document.createTextNode(text.slice(at, w.start)));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(w.start, w.end);
      p.appendChild(mark);
      at = w.end;
    });
    p.appendChild(document.createTextNode(text.slice(at, to) + (to < text.length ? " …" : "")));
    return p;
  }

  // -- one result ------------------------------------------------------------------------------
  function item(hit, query) {
    var d = hit.doc, path = pathOf(d);
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = hrefOf(path);
    var shownTitle = titleOf(d).textContent;
    if (d[4] && d[4] !== shownTitle && shownTitle.split(" ").indexOf(d[4]) < 0) {
      a.appendChild(span("code", d[4]));
      a.appendChild(document.createTextNode(" "));
    }
    var title = titleOf(d);
    a.appendChild(title);
    li.appendChild(a);
    var about = document.createElement("p");
    about.className = "about";
    var version = versionOf(path);
    about.appendChild(span("kind-label", kindName(d[3]) + (version ? " · " + version : "")));
    var up = parentOf(d);
    if (up >= 0) {  // the standard it belongs to
      var standard = docs[up];
      var link = document.createElement("a");
      link.className = "parent";
      link.href = hrefOf(standard[0]);
      link.appendChild(titleOf(standard));
      about.appendChild(document.createTextNode(" · "));
      about.appendChild(link);
    }
    (d[7] || []).forEach(function (also, i) {  // the pages folded into this result
      about.appendChild(document.createTextNode(i ? ", " : " · " + list.getAttribute("data-also") + " "));
      var other = document.createElement("a");
      other.href = hrefOf(also[0]);
      other.textContent = versionOf(also[0]) ? versionOf(also[0]) + (also[2] ? " " + also[2] : "")
        : kindName(also[1]);
      about.appendChild(other);
    });
    li.appendChild(about);
    var chunk = partOf[hit.n];  // its texts are numbered from its part's first doc
    withTexts(chunk, function (texts) {
      var own = texts[hit.n - chunk];
      var p = own && snippet(own, query);
      if (p) { li.appendChild(p); }
    });
    return li;
  }

  var hits = [], query = [], shown = 0;
  function showMore() {
    var end = Math.min(hits.length, shown + PAGE);
    for (; shown < end; shown++) { list.appendChild(item(hits[shown], query)); }
    if (more) { more.hidden = shown >= hits.length; }
  }
  function show(text) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    query = tokens(text);
    hits = search(query);
    shown = 0;
    status.textContent = !text ? "" : !hits.length ? status.getAttribute("data-none")
      : status.getAttribute("data-count").replace("{n}", hits.length);
    showMore();
  }

  if (more) { more.addEventListener("click", showMore); }
  var initial = new URLSearchParams(window.location.search).get("q") || "";
  input.value = initial;
  show(initial);
  // keep the query when switching language
  document.querySelectorAll("a.lang-switch").forEach(function (a) {
    if (initial) { a.href = a.getAttribute("href") + "?q=" + encodeURIComponent(initial); }
  });
  input.addEventListener("input", function () { show(input.value); });
}());
