/* Client-side search over the prebuilt index in search-index.js (window.KUTSE_SEARCH).
   Works offline and from file://: no fetch, results built with DOM calls (no innerHTML).
   The tokeniser must match kutse_rdf/site_search.py: lower case, diacritics removed,
   runs of [a-z0-9.] with outer dots stripped. */
(function () {
  "use strict";
  var index = window.KUTSE_SEARCH;
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var input = document.getElementById("q");
  if (!index || !list || !input) { return; }

  function fold(text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }
  function tokens(text) {
    return (fold(text).match(/[a-z0-9.]+/g) || [])
      .map(function (t) { return t.replace(/^\.+|\.+$/g, ""); })
      .filter(function (t) { return t.length > 0; });
  }
  var termList = Object.keys(index.terms);

  // Score of each document for one query token: exact token match counts double a prefix match.
  function scoresFor(token) {
    var scores = {};
    termList.forEach(function (term) {
      if (term.lastIndexOf(token, 0) !== 0) { return; }
      var factor = term === token ? 2 : 1;
      var postings = index.terms[term];
      for (var i = 0; i < postings.length; i += 2) {
        var doc = postings[i], score = postings[i + 1] * factor;
        if (!scores[doc] || scores[doc] < score) { scores[doc] = score; }
      }
    });
    return scores;
  }

  function search(query) {
    var words = tokens(query);
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
      var d = index.docs[doc];
      return { doc: d, score: total[doc] * 10 + d[5] };
    }).sort(function (a, b) {
      return b.score - a.score || a.doc[1].localeCompare(b.doc[1]);
    }).slice(0, 100);
  }

  function hrefOf(path) {
    var folder = path.split("#")[0];
    return list.getAttribute("data-prefix") + encodeURI(folder) + "index.html";
  }

  function show(query) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var hits = search(query);
    status.textContent = !query ? "" : !hits.length ? status.getAttribute("data-none")
      : status.getAttribute("data-count").replace("{n}", hits.length);
    hits.forEach(function (hit) {
      var d = hit.doc;
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = hrefOf(d[0]);
      if (d[4] && d[4] !== d[1]) {
        var code = document.createElement("span");
        code.className = "code";
        code.textContent = d[4];
        a.appendChild(code);
        a.appendChild(document.createTextNode(" "));
      }
      var title = document.createElement("span");
      title.textContent = d[1];
      if (d[2] && d[2] !== document.documentElement.lang) { title.lang = d[2]; }
      a.appendChild(title);
      li.appendChild(a);
      var kind = document.createElement("span");
      kind.className = "kind-label";
      kind.textContent = list.getAttribute("data-kind-" + d[3].replace("_", "-")) || d[3];
      // e-CF 4.0 and 3.0 share codes: the version tells the two apart
      var version = /^ecf\/(\d+\.\d+)\//.exec(d[0]);
      if (version) { kind.textContent += " · e-CF " + version[1]; }
      li.appendChild(kind);
      list.appendChild(li);
    });
  }

  var query = new URLSearchParams(window.location.search).get("q") || "";
  input.value = query;
  show(query);
  // keep the query when switching language
  document.querySelectorAll("a.lang-switch").forEach(function (a) {
    if (query) { a.href = a.getAttribute("href") + "?q=" + encodeURIComponent(query); }
  });
  input.addEventListener("input", function () { show(input.value); });
}());
