// The SPARQL workbench of `kutse-rdf serve`: runs queries through this server's /sparql
// endpoint (POST, SPARQL results JSON), shows them as a table with a label column beside each
// IRI column, and offers the answer as CSV, CSV for Excel (byte-order mark, ';') and JSON, made
// here, and as an Excel workbook, which the server makes (the query sent again, asking for
// XLSX: a workbook is a zip archive, not worth a library in the page).
// No inline script: the page's Content-Security-Policy allows scripts from this server only.
"use strict";

const ENDPOINT = "/sparql";
const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const MAX_LABELLED = 5000; // IRIs looked up for labels (one more query through the endpoint)
let answer = null;         // {columns, rows (arrays of text), iriColumns, query, lang}

function $(id) { return document.getElementById(id); }

async function endpoint(query) {
  const response = await fetch(ENDPOINT, {
    method: "POST",
    headers: {"Content-Type": "application/x-www-form-urlencoded",
              "Accept": "application/sparql-results+json"},
    body: new URLSearchParams({query}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(text.trim() || response.statusText);
  return JSON.parse(text);
}

async function labelsFor(iris, lang) {
  if (!iris.length) return {};
  const other = lang === "et" ? "en" : "et";
  const values = iris.map(i => "<" + i + ">").join(" ");
  // the label order of the command line's label columns (query/tables.py): prefLabel in lang,
  // in the other language, any; then the notation
  const query = `SELECT ?s ?a ?b ?c ?d WHERE { VALUES ?s { ${values} }
    OPTIONAL { ?s skos:prefLabel ?a FILTER(lang(?a) = "${lang}") }
    OPTIONAL { ?s skos:prefLabel ?b FILTER(lang(?b) = "${other}") }
    OPTIONAL { ?s skos:prefLabel ?c }
    OPTIONAL { ?s skos:notation ?d } }`;
  const data = await endpoint(query);
  const names = {};
  for (const b of data.results.bindings) {
    const best = ["a", "b", "c", "d"].find(k => b[k]);
    if (best && !(b.s.value in names)) names[b.s.value] = b[best].value;
  }
  for (const iri of iris) if (!(iri in names)) names[iri] = ownLabel(iri, lang) || compact(iri);
  return names;
}

let prefixes = {};  // the project's prefix table, from /sparql/library.json
let ownLabels = {}; // the ontology's individuals' rdfs:labels by language (kutse:mandatory …)

function ownLabel(iri, lang) {
  const found = ownLabels[iri];
  if (!found) return null;
  return found[lang] || found[lang === "et" ? "en" : "et"] || Object.values(found)[0] || null;
}

function compact(iri) {
  let best = "";
  let found = iri;
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && iri.length > namespace.length && namespace.length > best.length) {
      best = namespace;
      found = prefix + ":" + iri.slice(namespace.length);
    }
  }
  return found;
}

function table(data, names) {
  const vars = data.head.vars;
  const bindings = data.results.bindings;
  const iriColumns = new Set(vars.filter(v => !vars.includes(v + "Label")
    && bindings.some(b => b[v] && b[v].type === "uri")));
  const columns = [];
  for (const v of vars) {
    columns.push(v);
    if (iriColumns.has(v)) columns.push(v + "Label");
  }
  const rows = bindings.map(b => {
    const row = [];
    for (const v of vars) {
      row.push(b[v] ? b[v].value : "");
      if (iriColumns.has(v)) row.push(b[v] && b[v].type === "uri" ? (names[b[v].value] || "") : "");
    }
    return row;
  });
  return {columns, rows, iriColumns};
}

function render(result) {
  const box = $("results");
  box.textContent = "";
  const t = document.createElement("table");
  t.id = "answer";
  const head = t.createTHead().insertRow();
  for (const c of result.columns) {
    const th = document.createElement("th");
    th.textContent = c;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const row of result.rows) {
    const tr = body.insertRow();
    row.forEach((cell, i) => {
      const td = tr.insertCell();
      td.textContent = cell;
      if (result.iriColumns.has(result.columns[i])) td.className = "iri";
    });
  }
  box.appendChild(t);
}

function csv(columns, rows, separator) {
  const quote = s => /[",;\r\n\t]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  return [columns, ...rows].map(r => r.map(quote).join(separator)).join("\r\n") + "\r\n";
}

function offer(id, text, type) {
  const link = $(id);
  if (link.href.startsWith("blob:")) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], {type}));
  link.hidden = false;
}

async function run(event) {
  if (event) event.preventDefault();
  const status = $("status");
  status.className = "";
  status.textContent = "running…";
  $("results").textContent = "";
  for (const id of ["download-csv", "download-excel", "download-xlsx", "download-json"]) {
    $(id).hidden = true;
  }
  answer = null;
  const query = $("query").value;
  const lang = $("lang").value;
  try {
    const data = await endpoint(query);
    if (data.boolean !== undefined) {
      status.textContent = "answer: " + (data.boolean ? "yes" : "no");
      return;
    }
    const iris = [...new Set(data.results.bindings.flatMap(
      b => Object.values(b).filter(t => t.type === "uri").map(t => t.value)))];
    const names = await labelsFor(iris.slice(0, MAX_LABELLED), lang);
    const result = table(data, names);
    render(result);
    answer = {...result, query, lang};
    const n = result.rows.length;
    status.textContent = `${n} row${n === 1 ? "" : "s"}`;
    offer("download-csv", csv(result.columns, result.rows, ","), "text/csv");
    offer("download-excel", "\ufeff" + csv(result.columns, result.rows, ";"), "text/csv");
    offer("download-json", JSON.stringify(data), "application/sparql-results+json");
    $("download-xlsx").hidden = false;
  } catch (error) {
    status.className = "error";
    status.textContent = error.message;
  }
}

// The workbook of the answer shown (its query and label language), made by the server under
// the endpoint's time and size limits, saved as answer.xlsx.
async function downloadWorkbook() {
  if (!answer) return;
  const status = $("status");
  const shown = status.textContent;
  status.className = "";
  status.textContent = "making the workbook…";
  try {
    const response = await fetch(ENDPOINT, {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": XLSX},
      body: new URLSearchParams({query: answer.query, lang: answer.lang}),
    });
    if (!response.ok) throw new Error((await response.text()).trim() || response.statusText);
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await response.blob());
    link.download = "answer.xlsx";
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60000);
    status.textContent = shown;
  } catch (error) {
    status.className = "error";
    status.textContent = "Excel workbook: " + error.message;
  }
}

async function loadLibrary() {
  const response = await fetch(ENDPOINT + "/library.json");
  const library = await response.json();
  prefixes = library.prefixes;
  ownLabels = library.labels || {};
  const select = $("example");
  for (const q of library.queries) {
    const option = document.createElement("option");
    option.value = q.name;
    option.textContent = `${q.name}: ${q.title}`;
    select.appendChild(option);
  }
  select.addEventListener("change", () => {
    const q = library.queries.find(x => x.name === select.value);
    if (!q) return;
    $("query").value = q.text;
    $("question").textContent = q.question_en + (q.covers ? ` (covers: ${q.covers})` : "");
  });
}

document.addEventListener("DOMContentLoaded", () => {
  $("workbench").addEventListener("submit", run);
  $("download-xlsx").addEventListener("click", downloadWorkbook);
  loadLibrary().catch(error => { $("status").textContent = "library: " + error.message; });
});
