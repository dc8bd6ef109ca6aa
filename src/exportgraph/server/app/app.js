"use strict";
// exportgraph's web app: five pages over the server's JSON (/screen, /check, /entity, /exposure,
// /changes, /picture, /version, /queries, /sparql). Data reaches the page only as text
// (textContent, setAttribute), never as markup.
(function () {
  const PREFIXES = {
    eg: "https://w3id.org/exportgraph/ontology#",
    rdfs: "http://www.w3.org/2000/01/rdf-schema#",
    skos: "http://www.w3.org/2004/02/skos/core#",
    dct: "http://purl.org/dc/terms/",
    xsd: "http://www.w3.org/2001/XMLSchema#",
    prov: "http://www.w3.org/ns/prov#",
  };
  const state = { version: null, lists: [], screen: null, check: null, record: null, query: null, from: "#/screen" };

  // -- small helpers -------------------------------------------------------------------------------
  const $ = (id) => document.getElementById(id);
  const str = (v) => (v === null || v === undefined ? "" : String(v));
  function h(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") e.className = v; else e.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === "") continue;
      e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  function status(text, error) {
    const s = $("status");
    s.textContent = text || "";
    s.classList.toggle("error", !!error);
  }
  async function api(path, options) {
    const r = await fetch(path, options);
    const text = await r.text();
    if (!r.ok) throw new Error(`${r.status}: ${text.trim() || r.statusText}`);
    return (r.headers.get("Content-Type") || "").includes("json") ? JSON.parse(text) : text;
  }
  async function busy(label, work) {
    status(label + "\u2026");
    const t0 = performance.now();
    try {
      const out = await work();
      status(`${label}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return out;
    } catch (err) {
      status(String(err.message || err), true);
      throw err;
    }
  }
  function download(name, text, type) {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = h("a", { href: url, download: name });
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
  function csvText(header, rows) {
    const q = (v) => (/[",\n\r]/.test(str(v)) ? '"' + str(v).replace(/"/g, '""') + '"' : str(v));
    return [header, ...rows].map((r) => r.map(q).join(",")).join("\r\n") + "\r\n";
  }
  function parseCsv(text) {  // RFC 4180: quoted fields, doubled quotes, CRLF or LF
    const rows = [];
    let row = [], field = "", quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(field); field = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(field); field = "";
        if (row.some((x) => x !== "")) rows.push(row);
        row = [];
      } else field += c;
    }
    row.push(field);
    if (row.some((x) => x !== "")) rows.push(row);
    return rows;
  }
  const FR = /(\d+)\s+FR\s+(\d+)/;
  function citation(label, iri) {  // a Federal Register citation links to federalregister.gov
    const m = FR.exec(str(label));
    if (m) return h("a", { href: `https://www.federalregister.gov/citation/${m[1]}-FR-${m[2]}`, rel: "noopener", target: "_blank" }, str(label));
    if (/^https?:\/\//.test(str(iri)) && !str(iri).startsWith("https://w3id.org/exportgraph/")) {
      return h("a", { href: str(iri), rel: "noopener", target: "_blank" }, str(label) || str(iri));
    }
    return h("span", {}, str(label) || str(iri));
  }
  function citations(text) {  // "90 FR 14048, 91 FR 1684" -> links
    const parts = str(text).split(/[;,]\s*/).filter(Boolean);
    const out = [];
    parts.forEach((p, i) => { if (i) out.push(", "); out.push(citation(p)); });
    return out;
  }
  const entityLink = (iriOrName, label) => h("a", { href: "#/entity?name=" + encodeURIComponent(str(iriOrName)) }, str(label) || str(iriOrName));
  function percent(x) {
    if (x.percent !== null && x.percent !== undefined) return x.percent + "%";
    if (x.percent_min !== null && x.percent_min !== undefined) return `${x.percent_min}-${str(x.percent_max) || "?"}%`;
    return "unknown";
  }
  function verdictBadge(v) {
    const cls = v === "license_required" ? "bad" : v === "needs_review" ? "review" : "ok";
    return h("span", { class: "badge " + cls }, v.replace(/_/g, " "));
  }
  function standing(rule) {
    if (!rule) return "";
    const s = str(rule.status);
    const cls = s === "listed" || s === "covered" ? "bad" : s.startsWith("possibly") ? "review" : "plain";
    return h("span", {}, h("span", { class: "badge " + cls }, s || "unknown"),
      rule.reach && rule.reach !== s ? " " + rule.reach : "", rule.explanation ? h("div", { class: "muted" }, rule.explanation) : "");
  }
  function table(headers, rows, attrs) {
    return h("table", Object.assign({ class: "grid" }, attrs || {}),
      h("thead", {}, h("tr", {}, headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows.map((r) => h("tr", {}, r.map((c) => h("td", {}, c))))));
  }
  const today = () => new Date().toISOString().slice(0, 10);

  // -- data version (every record states it) --------------------------------------------------------
  async function version() {
    if (!state.version) state.version = await api("version");
    return state.version;
  }
  async function lists() {
    if (!state.lists.length) state.lists = await api("lists");
    return state.lists;
  }

  // -- pages and the router ----------------------------------------------------------------------
  const pages = {};
  function route() {
    const hash = location.hash || "#/screen";
    const [path, query] = hash.slice(1).split("?");
    const name = path.replace(/^\//, "") || "screen";
    const params = new URLSearchParams(query || "");
    const page = pages[name] ? name : "screen";
    for (const s of document.querySelectorAll("section[data-page]")) s.hidden = s.dataset.page !== page;
    for (const a of document.querySelectorAll("nav a[data-page]")) {
      if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    }
    document.title = (document.querySelector(`#page-${page} h1`) || {}).textContent + " \u2013 exportgraph";
    status("");
    pages[page](params);
    document.body.dataset.page = page;
  }

  // -- Screen --------------------------------------------------------------------------------------
  function screenInputs() {
    const file = state.screenFile;
    if (file) return file;
    return $("screen-names").value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map((l) => {
      const [name, country] = l.split("|").map((x) => x.trim());
      return country ? { name, country } : { name };
    });
  }
  $("screen-file").addEventListener("change", async (ev) => {
    const f = ev.target.files[0];
    state.screenFile = null;
    if (!f) return;
    const rows = parseCsv(await f.text());
    const head = (rows.shift() || []).map((x) => x.trim().toLowerCase());
    const at = (k) => head.indexOf(k);
    if (at("name") < 0) { status(`${f.name}: no "name" column in the header row`, true); ev.target.value = ""; return; }
    state.screenFile = rows.map((r) => {
      const o = { name: str(r[at("name")]).trim() };
      for (const k of ["country", "id"]) if (at(k) >= 0 && str(r[at(k)]).trim()) o[k] = str(r[at(k)]).trim();
      return o;
    }).filter((o) => o.name);
    status(`${f.name}: ${state.screenFile.length} names`);
  });
  $("screen-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const names = screenInputs();
    if (!names.length) { status("Give at least one name, or a CSV with a name column.", true); return; }
    const params = new URLSearchParams();
    if ($("screen-asof").value) params.set("as_of", $("screen-asof").value);
    if ($("screen-threshold").value) params.set("threshold", $("screen-threshold").value);
    $("screen-results").hidden = true;
    const results = await busy(`Screening ${names.length} name${names.length > 1 ? "s" : ""}`, () =>
      api("screen?" + params, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(names) }));
    state.screen = { inputs: names, as_of: $("screen-asof").value || today(), threshold: $("screen-threshold").value || null, results };
    renderScreen();
  });
  function screenRows() {
    const only = $("screen-filter").value;
    const rows = [];
    for (const r of state.screen.results) {
      const matches = r.matches.filter((m) => !only || m.lists.some((li) => li.list === only));
      if (!matches.length && !only) rows.push({ input: r.input, match: null });
      for (const m of matches) rows.push({ input: r.input, match: m });
    }
    return rows;
  }
  function listingCell(li) {
    const when = li.date_removed ? `${str(li.date_added)} to ${li.date_removed}` : `since ${str(li.date_added) || "?"}`;
    return h("li", {}, h("strong", {}, li.list), ` ${when}${li.in_force ? "" : " (not in force)"} `,
      li.citations.map((c, i) => [i ? ", " : "", citation(c.label, c.iri)]));
  }
  function renderScreen() {
    const filter = $("screen-filter"), chosen = filter.value;
    const seen = new Set(state.screen.results.flatMap((r) => r.matches.flatMap((m) => m.lists.map((li) => li.list))));
    filter.replaceChildren(h("option", { value: "" }, "any list or none"), ...[...seen].sort().map((l) => h("option", { value: l }, l)));
    filter.value = seen.has(chosen) ? chosen : "";
    const rows = screenRows();
    const body = $("screen-table").tBodies[0];
    body.replaceChildren(...rows.map(({ input, match: m }) => h("tr", {},
      h("td", {}, input.name, input.country ? h("span", { class: "muted" }, " (" + input.country + ")") : ""),
      m ? [
        h("td", {}, entityLink(m.party, m.name), m.matched_name !== m.name ? h("div", { class: "muted" }, `as ${m.matched_kind} \u201c${m.matched_name}\u201d`) : ""),
        h("td", { class: "num" }, String(m.score)),
        h("td", {}, h("ul", { class: "compact" }, m.why.map((w) => h("li", {}, w)))),
        h("td", {}, m.lists.length ? h("ul", { class: "compact" }, m.lists.map(listingCell)) : h("span", { class: "muted" }, "on no list")),
        h("td", {}, standing(m.affiliates_rule)),
      ] : [h("td", { colspan: 5, class: "muted" }, "no match")])));
    const matched = state.screen.results.filter((r) => r.matches.length).length;
    $("screen-count").textContent = `${state.screen.results.length} names, ${matched} with matches; as of ${state.screen.as_of}`;
    $("screen-results").hidden = false;
  }
  $("screen-filter").addEventListener("change", renderScreen);
  $("screen-json").addEventListener("click", () => download("screening.json", JSON.stringify(state.screen.results, null, 2), "application/json"));
  $("screen-csv").addEventListener("click", () => {
    const rows = screenRows().map(({ input, match: m }) => [input.name, input.country, input.id, m && m.name, m && m.party, m && m.score,
      m && m.matched_name, m && m.lists.map((li) => `${li.list} ${str(li.date_added)}${li.date_removed ? " to " + li.date_removed : ""}`).join("; "),
      m && m.lists.flatMap((li) => li.citations.map((c) => c.label)).join("; "), m && m.affiliates_rule && m.affiliates_rule.status]);
    download("screening.csv", csvText(["input", "country", "id", "match", "party", "score", "matched_name", "listings", "citations", "affiliates_rule"], rows), "text/csv");
  });
  $("screen-record").addEventListener("click", async () => {
    state.record = { kind: "screening", made_at: new Date().toISOString(), data_version: await version(),
      inputs: { names: state.screen.inputs, as_of: state.screen.as_of, threshold: state.screen.threshold }, results: state.screen.results };
    state.from = "#/screen";
    location.hash = "#/record";
  });
  pages.screen = () => {};

  // -- Check ---------------------------------------------------------------------------------------
  async function runCheck(body, type, inputs) {
    $("check-results").hidden = true;
    const verdicts = await busy("Checking", () => api("check", { method: "POST", headers: { "Content-Type": type }, body }));
    state.check = { inputs, verdicts, checked_on: today() };
    renderCheck();
  }
  $("check-upload").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const f = $("check-file").files[0];
    if (!f) { status("Choose an orders CSV first.", true); return; }
    const text = await f.text();
    await runCheck(text, "text/csv", { file: f.name, orders_csv: text });
  });
  $("check-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const order = { order_id: "order-1" };
    for (const el of ev.target.elements) if (el.name && el.value.trim()) order[el.name] = el.value.trim();
    if (!order.date) order.date = today();
    await runCheck(JSON.stringify([order]), "application/json", { orders: [order] });
  });
  function renderCheck() {
    const body = $("check-table").tBodies[0];
    body.replaceChildren(...state.check.verdicts.map((v, i) => h("tr", { "data-index": i },
      h("td", {}, v.order_id), h("td", {}, str(v.date)), h("td", {}, verdictBadge(v.verdict)),
      h("td", {}, v.rules.join(", ")),
      h("td", {}, v.reasons.length ? h("button", { type: "button", class: "open", "data-index": i, "aria-controls": "check-detail" }, "Open") : ""))));
    const counts = {};
    for (const v of state.check.verdicts) counts[v.verdict] = (counts[v.verdict] || 0) + 1;
    $("check-count").textContent = `${state.check.verdicts.length} orders: ` + Object.entries(counts).map(([k, n]) => `${n} ${k.replace(/_/g, " ")}`).join(", ");
    $("check-detail").hidden = true;
    $("check-results").hidden = false;
  }
  $("check-table").addEventListener("click", (ev) => {
    const b = ev.target.closest("button.open");
    if (b) openVerdict(Number(b.dataset.index));
  });
  function openVerdict(i) {
    const v = state.check.verdicts[i];
    for (const tr of $("check-table").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.index === String(i));
    const d = $("check-detail");
    d.replaceChildren(h("h2", {}, `Order ${v.order_id} on ${str(v.date)}: `, verdictBadge(v.verdict)),
      ...v.reasons.map((r) => h("section", { class: "reason " + (r.effect === "license_required" ? "bad" : "review") },
        h("h3", {}, r.rule, " \u2013 ", r.effect.replace(/_/g, " ")),
        h("p", {}, r.message),
        h("dl", { class: "facts" },
          h("dt", {}, "CFR"), h("dd", {}, str(r.cfr) || "not recorded"),
          h("dt", {}, "Cited"), h("dd", {}, citations(r.citation)),
          h("dt", {}, "Review policy"), h("dd", {}, str(r.review_policy) || "not recorded", r.review_policy_cfr ? h("span", { class: "muted" }, ` (${r.review_policy_cfr})`) : ""),
          h("dt", {}, "Licence exceptions"), h("dd", {}, r.license_exceptions.length
            ? h("ul", { class: "compact" }, r.license_exceptions.map((x) => h("li", {}, `${x.exception}: ${x.status} (${x.cfr})`, x.note ? h("span", { class: "muted" }, " " + x.note) : "")))
            : "none recorded"),
          r.footnotes.length ? [h("dt", {}, "Footnotes"), h("dd", {}, h("ul", { class: "compact" }, r.footnotes.map((f) => h("li", {}, `${f.footnote}: ${f.meaning} (${f.cfr})`))))] : [],
          h("dt", {}, "In force"), h("dd", {}, r.in_force.length ? h("ul", { class: "compact" }, r.in_force.map((x) => h("li", {}, `${x.rule}: from ${str(x.from) || "?"}${x.to ? " to " + x.to : ""} `, citations(x.citation),
            x.suspended.length ? ` (suspended ${x.suspended.map((s) => s.from + " to " + s.to).join(", ")})` : ""))) : "not recorded")),
        h("h4", {}, "The facts it rests on"),
        h("ol", { class: "path" }, r.path.map((p) => h("li", {}, p, FR.test(p) ? [" ", citation(FR.exec(p)[0])] : ""))),
        r.notes.length ? h("ul", { class: "compact muted" }, r.notes.map((n) => h("li", {}, n))) : "")));
    d.hidden = false;
    d.focus();
  }
  $("check-json").addEventListener("click", () => download("check.json", JSON.stringify(state.check.verdicts, null, 2), "application/json"));
  $("check-csv").addEventListener("click", () => {
    const rows = [];
    for (const v of state.check.verdicts) {
      if (!v.reasons.length) rows.push([v.order_id, v.date, v.verdict, "", "", "", "", ""]);
      for (const r of v.reasons) rows.push([v.order_id, v.date, v.verdict, r.rule, r.effect, r.message, r.cfr, r.citation]);
    }
    download("check.csv", csvText(["order_id", "date", "verdict", "rule", "effect", "message", "cfr", "citation"], rows), "text/csv");
  });
  $("check-record").addEventListener("click", async () => {
    state.record = { kind: "check", made_at: new Date().toISOString(), data_version: await version(),
      inputs: state.check.inputs, results: state.check.verdicts };
    state.from = "#/check";
    location.hash = "#/record";
  });
  pages.check = () => {};

  // -- Entity --------------------------------------------------------------------------------------
  $("entity-form").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const p = new URLSearchParams({ name: $("entity-name").value.trim() });
    if ($("entity-asof").value) p.set("as_of", $("entity-asof").value);
    location.hash = "#/entity?" + p;
  });
  function timeline(listings, asOf) {
    const W = 640, row = 22, left = 150, top = 8;
    const days = (s) => Date.parse(s + "T00:00:00Z") / 86400000;
    const starts = listings.map((l) => l.date_added).filter(Boolean);
    if (!starts.length) return h("p", { class: "muted" }, "No listing with a recorded date.");
    const t0 = Math.min(...starts.map(days)) - 60, t1 = days(asOf);
    const x = (d) => left + (W - left - 10) * (d - t0) / (t1 - t0);
    const svgNS = "http://www.w3.org/2000/svg";
    const el = (name, attrs, parent, text) => {
      const e = document.createElementNS(svgNS, name);
      for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
      if (text !== undefined) e.textContent = text;
      parent.appendChild(e);
      return e;
    };
    const height = top + listings.length * row + 24;
    const svg = document.createElementNS(svgNS, "svg");
    svg.setAttribute("viewBox", `0 0 ${W} ${height}`);
    svg.setAttribute("class", "timeline");
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Listings over time: " + listings.map((l) => `${l.list} from ${str(l.date_added)}${l.date_removed ? " to " + l.date_removed : ""}`).join("; "));
    listings.forEach((l, i) => {
      const y = top + i * row;
      el("text", { x: 4, y: y + 14 }, svg, l.list);
      if (!l.date_added) return;
      const a = x(days(l.date_added)), b = x(l.date_removed ? days(l.date_removed) : days(asOf));
      const bar = el("rect", { class: "bar" + (l.date_removed ? " ended" : ""), x: a, y: y + 3, width: Math.max(2, b - a), height: row - 8, rx: 2 }, svg);
      el("title", {}, bar, `${l.list}: ${l.date_added}${l.date_removed ? " to " + l.date_removed : " onwards"}`);
    });
    const yAxis = top + listings.length * row + 4;
    el("line", { class: "axis", x1: left, x2: W - 10, y1: yAxis, y2: yAxis }, svg);
    const iso = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
    const ticks = [[t0, iso(t0)], [t1, asOf]];
    for (let y = new Date(t0 * 86400000).getUTCFullYear() + 1; y <= new Date(t1 * 86400000).getUTCFullYear(); y++) {
      const d = days(`${y}-01-01`);
      if (x(d) - x(t0) > 70 && x(t1) - x(d) > 70) ticks.push([d, String(y)]);
    }
    for (const [d, label] of ticks) {
      const xx = x(d);
      el("line", { class: "axis", x1: xx, x2: xx, y1: yAxis, y2: yAxis + 4 }, svg);
      el("text", { x: xx, y: yAxis + 17, "text-anchor": d === t0 ? "start" : d === t1 ? "end" : "middle" }, svg, label);
    }
    return svg;
  }
  function stakeRows(links, other) {
    return links.map((x) => [entityLink(x.party, x.name), percent(x), str(x.kind), x.listed ? h("span", { class: "badge bad" }, "listed") : "",
      str(x.country), other && x.depth > 1 ? `via ${str(x.via_name)}` : "", x.affiliates_rule ? standing(x.affiliates_rule) : ""]);
  }
  async function showEntity(name, asOf) {
    const q = new URLSearchParams({ name });
    if (asOf) q.set("as_of", asOf);
    const [ent, exp] = await busy("Looking up " + name, () => Promise.all([api("entity?" + q), api("exposure?" + q)]));
    const day = str(ent.as_of) || today();
    const out = $("entity-out");
    const facts = [["IRI", ent.iri], ["Kind", ent.kinds.join(", ")], ["Aliases", ent.aliases.join("; ")], ["Native names", ent.native_names.join("; ")],
      ["Countries", ent.countries.join(", ")], ["Incorporated in", ent.incorporated_in.join(", ")], ["Headquarters", ent.headquartered_in.join(", ")],
      ["Identifiers", Object.entries(ent.identifiers).map(([k, v]) => `${k}: ${v}`).join("; ")], ["Addresses", ent.addresses.join(" | ")],
      ["Ultimate parent", ent.ultimate_parent ? entityLink(ent.ultimate_parent_iri || ent.ultimate_parent, ent.ultimate_parent) : ""]]
      .filter(([, v]) => v);
    const rule = exp.affiliates_rule;
    out.replaceChildren(
      h("h2", { id: "entity-heading" }, ent.name, h("span", { class: "muted" }, ` as of ${day}`)),
      h("div", { class: "profile" },
        h("div", {},
          h("dl", { class: "facts" }, facts.map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
          h("h3", {}, "Under the 50% rule"), standing(rule),
          rule.covering_stakes && rule.covering_stakes.length ? table(["Owner", "Stake", "Owner's standing"], rule.covering_stakes.map((c) =>
            [entityLink(c.owner, c.name), percent(c), str(c.owner_status)])) : "",
          ent.members.length ? [h("h3", {}, "Records of the same organisation"),
            h("ul", { class: "compact" }, ent.members.map((m) => h("li", {}, str(m.name) || m.iri, h("span", { class: "muted" }, " \u2013 " + m.sources.map((s) => s[1]).join("; ")))))] : ""),
        h("div", {},
          h("h3", {}, "Listings over time"), timeline(ent.listings, day),
          table(["List", "Added", "Removed", "Policy", "Citations"], ent.listings.map((l) => [l.list_name || l.list, str(l.date_added), str(l.date_removed),
            str(l.review_policy), l.citations.map((c, i) => [i ? ", " : "", citation(c.label, c.iri)])]), { id: "entity-listings" }))),
      h("h3", {}, "Owners up the chain"),
      exp.owners.length ? table(["Owner", "Stake", "Kind", "Listed", "Country", "Path", ""], stakeRows(exp.owners, true)) : h("p", { class: "muted" }, "No owner recorded."),
      h("h3", {}, "Subsidiaries down the chain"),
      exp.subsidiaries.length ? table(["Subsidiary", "Stake", "Kind", "Listed", "Country", "Path", "Standing"], stakeRows(exp.subsidiaries, true)) : h("p", { class: "muted" }, "No subsidiary recorded."),
      h("h3", {}, "Ownership picture"),
      h("p", { class: "muted" }, "Drag to pan, wheel or the buttons to zoom, click a party or a stake for its facts and sources."),
      h("iframe", { class: "picture", id: "entity-picture", title: "Ownership picture of " + ent.name, src: "picture?" + q }));
    out.hidden = false;
  }
  pages.entity = (params) => {
    const name = params.get("name");
    if (!name) { $("entity-out").hidden = true; $("entity-name").focus(); return; }
    $("entity-name").value = name;
    $("entity-asof").value = params.get("as_of") || "";
    showEntity(name, params.get("as_of")).catch(() => {});
  };

  // -- What changed --------------------------------------------------------------------------------
  $("changes-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const q = new URLSearchParams({ list: $("changes-list").value, since: $("changes-since").value });
    if ($("changes-until").value) q.set("until", $("changes-until").value);
    const out = $("changes-out");
    out.hidden = true;  // no earlier answer stays on screen while this one is read
    const found = await busy("Reading changes", () => api("changes?" + q));
    out.replaceChildren(
      h("h2", {}, `Added (${found.added.length})`),
      found.added.length ? table(["Date", "Name", "Country", "Citation"], found.added.map((r) => [str(r.dateAdded), entityLink(r.party, r.name), str(r.country), citations(r.citation)]), { id: "changes-added" }) : h("p", { class: "muted" }, "None."),
      h("h2", {}, `Removed (${found.removed.length})`),
      found.removed.length ? table(["Removed", "Added", "Name", "Country", "Citations"], found.removed.map((r) => [str(r.dateRemoved), str(r.dateAdded), entityLink(r.party, r.name), str(r.country), citations(r.citations)]), { id: "changes-removed" }) : h("p", { class: "muted" }, "None."),
      h("h2", {}, `Rules (${found.rules.length})`),
      found.rules.length ? table(["Date", "Change", "Rule", "Title", "Citation"], found.rules.map((r) => [str(r.date), str(r.change), str(r.ruleId), str(r.title), citations(r.citation)]), { id: "changes-rules" }) : h("p", { class: "muted" }, "None."));
    out.hidden = false;
  });
  pages.changes = async () => {
    const sel = $("changes-list");
    if (!sel.options.length) {
      const names = await lists().catch((e) => { status(e.message, true); return []; });
      sel.replaceChildren(...names.map((n) => h("option", { value: n }, n)));
      sel.value = names.includes("entity-list") ? "entity-list" : names[0] || "";
    }
    if (!$("changes-since").value) {
      const d = new Date(); d.setUTCFullYear(d.getUTCFullYear() - 1);
      $("changes-since").value = d.toISOString().slice(0, 10);
    }
  };

  // -- Query ---------------------------------------------------------------------------------------
  const KEYWORDS = /^(SELECT|CONSTRUCT|DESCRIBE|ASK|WHERE|FILTER|OPTIONAL|UNION|MINUS|GRAPH|SERVICE|BIND|VALUES|AS|DISTINCT|REDUCED|ORDER|BY|GROUP|HAVING|LIMIT|OFFSET|ASC|DESC|NOT|EXISTS|IN|PREFIX|BASE|FROM|NAMED|COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT|SEPARATOR|STR|LANG|DATATYPE|BOUND|IF|COALESCE|REGEX|CONTAINS|STRSTARTS|LCASE|UCASE|CONCAT|IRI|YEAR|a|true|false)$/i;
  const TOKENS = /(#[^\n]*)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')|(<[^<>"{}|^`\\\s]*>)|([?$][A-Za-z_][\w]*)|([A-Za-z][\w-]*:[\w.-]*)|([A-Za-z_][\w]*)/g;
  function highlight(text) {
    const pre = $("query-highlight");
    const parts = [];
    let last = 0;
    for (const m of text.matchAll(TOKENS)) {
      if (m.index > last) parts.push(document.createTextNode(text.slice(last, m.index)));
      const cls = m[1] ? "hl-com" : m[2] ? "hl-str" : m[3] ? "hl-iri" : m[4] ? "hl-var" : m[5] ? "hl-pfx" : KEYWORDS.test(m[6]) ? "hl-kw" : null;
      parts.push(cls ? h("span", { class: cls }, m[0]) : document.createTextNode(m[0]));
      last = m.index + m[0].length;
    }
    parts.push(document.createTextNode(text.slice(last) + "\n"));
    pre.replaceChildren(...parts);
  }
  const editor = $("query-text");
  editor.addEventListener("input", () => highlight(editor.value));
  editor.addEventListener("scroll", () => { $("query-highlight").scrollTop = editor.scrollTop; });
  editor.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); runQuery(); }
  });
  function declared(text) {  // the prefixes the text uses and does not declare, declared
    const have = new Set([...text.matchAll(/PREFIX\s+([\w-]*):/gi)].map((m) => m[1]));
    return Object.entries(PREFIXES).filter(([p]) => !have.has(p) && new RegExp("(^|[^\\w<])" + p + ":").test(text))
      .map(([p, iri]) => `PREFIX ${p}: <${iri}>\n`).join("") + text;
  }
  async function runQuery() {
    const st = $("query-status"), out = $("query-out");
    st.textContent = "running\u2026";
    out.replaceChildren();
    const t0 = performance.now();
    let r, text;
    try {
      r = await fetch("sparql", { method: "POST", headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json, text/turtle;q=0.9" }, body: declared(editor.value) });
      text = await r.text();
    } catch (err) { st.textContent = String(err); return; }
    st.textContent = `${r.status} in ${Math.round(performance.now() - t0)} ms`;
    const json = (r.headers.get("Content-Type") || "").includes("json");
    if (!r.ok || !json) {
      out.appendChild(h("pre", { class: r.ok ? "" : "status error" }, text));
      state.query = r.ok ? { text } : null;
      $("query-csv").disabled = true; $("query-json").disabled = !r.ok;
      return;
    }
    const j = JSON.parse(text);
    if ("boolean" in j) { out.appendChild(h("p", {}, String(j.boolean))); state.query = { json: j }; return; }
    state.query = { json: j, vars: j.head.vars, rows: j.results.bindings, sort: null };
    st.textContent += `, ${j.results.bindings.length} rows`;
    renderResults();
    $("query-csv").disabled = $("query-json").disabled = false;
  }
  const cell = (t) => (!t ? "" : t.type === "uri" ? t.value : t.value);
  function renderResults() {
    const q = state.query;
    const rows = q.rows.slice();
    if (q.sort) {
      const [v, dir] = q.sort;
      const num = rows.every((b) => !b[v] || !isNaN(Number(b[v].value)));
      rows.sort((a, b) => {
        const x = cell(a[v]), y = cell(b[v]);
        return dir * (num ? Number(x || -Infinity) - Number(y || -Infinity) : x.localeCompare(y));
      });
    }
    const head = h("tr", {}, q.vars.map((v) => {
      const sorted = q.sort && q.sort[0] === v ? (q.sort[1] > 0 ? "ascending" : "descending") : "none";
      return h("th", { scope: "col", "aria-sort": sorted }, h("button", { type: "button", class: "sort", "data-var": v }, v + (sorted === "ascending" ? " \u25b2" : sorted === "descending" ? " \u25bc" : "")));
    }));
    const body = rows.map((b) => h("tr", {}, q.vars.map((v) => {
      const t = b[v];
      if (t && t.type === "uri" && t.value.startsWith("https://w3id.org/exportgraph/id/party/")) return h("td", {}, entityLink(t.value, t.value));
      return h("td", {}, cell(t));
    })));
    $("query-out").replaceChildren(h("table", { class: "grid", id: "query-table" }, h("thead", {}, head), h("tbody", {}, body)));
  }
  $("query-out").addEventListener("click", (ev) => {
    const b = ev.target.closest("button.sort");
    if (!b) return;
    const v = b.dataset.var, q = state.query;
    q.sort = q.sort && q.sort[0] === v ? [v, -q.sort[1]] : [v, 1];
    renderResults();
    const again = document.querySelector(`#query-table button.sort[data-var="${CSS.escape(v)}"]`);
    if (again) again.focus();
  });
  $("query-run").addEventListener("click", runQuery);
  $("query-csv").addEventListener("click", () => {
    const q = state.query;
    download("results.csv", csvText(q.vars, q.rows.map((b) => q.vars.map((v) => cell(b[v])))), "text/csv");
  });
  $("query-json").addEventListener("click", () => {
    const q = state.query;
    download(q.json ? "results.json" : "results.ttl", q.json ? JSON.stringify(q.json, null, 2) : q.text, q.json ? "application/sparql-results+json" : "text/turtle");
  });
  $("query-examples").addEventListener("change", (ev) => {
    const item = state.examples[ev.target.value];
    if (!item) return;
    let text = item.text.split("\n").filter((l) => !l.startsWith("#")).join("\n").trim();
    for (const p of item.params) {  // each parameter bound to its example, as the endpoint binds it
      const v = p.type === "iri" ? "<" + p.example + ">" : p.type === "date" ? `"${p.example}T00:00:00"^^xsd:dateTime`
        : p.type === "integer" || p.type === "decimal" ? p.example : JSON.stringify(p.example);
      text = text.replace(/\bWHERE\s*\{/, (m) => `${m}\n  VALUES ?${p.name} { ${v} }`);
    }
    editor.value = `# ${item.name}: ${item.summary}\n` + text + "\n";
    highlight(editor.value);
  });
  pages.query = async () => {
    highlight(editor.value);
    if (!state.examples) {
      state.examples = {};
      const items = await api("queries").catch((e) => { status(e.message, true); return []; });
      const sel = $("query-examples");
      for (const item of items) {
        if (!/^\s*SELECT|^\s*(PREFIX[^\n]*\n\s*)*SELECT/im.test(item.text.split("\n").filter((l) => !l.startsWith("#")).join("\n"))) continue;
        state.examples[item.name] = item;
        sel.appendChild(h("option", { value: item.name }, `${item.name}: ${str(item.summary).slice(0, 80)}`));
      }
    }
  };

  // -- The record of a screening or a check ----------------------------------------------------------
  pages.record = () => {
    const r = state.record, box = $("record");
    $("record-back").setAttribute("href", state.from);
    if (!r) { box.replaceChildren(h("h1", { id: "record-title" }, "Record"), h("p", {}, "Screen names or check orders first, then ask for the record.")); return; }
    const v = r.data_version;
    const title = r.kind === "screening" ? "Screening record" : "Order check record";
    const parts = [h("h1", { id: "record-title" }, title),
      h("dl", { class: "facts" },
        h("dt", {}, "Made"), h("dd", {}, r.made_at.replace("T", " ").replace(/\.\d+Z$/, " UTC")),
        h("dt", {}, "Tool"), h("dd", {}, "exportgraph " + v.exportgraph),
        h("dt", {}, "Graph"), h("dd", {}, `SHA-256 ${v.graph_sha256} (${v.triples} triples)`),
        r.kind === "screening" ? [h("dt", {}, "As of"), h("dd", {}, r.inputs.as_of), h("dt", {}, "Lowest score"), h("dd", {}, str(r.inputs.threshold) || "default")] : []),
      h("h2", {}, "Lists and their newest changes"),
      table(["List", "Entries", "Newest addition", "Newest removal", "Citation"], v.lists.map((l) => [str(l.shortName), str(l.entries), str(l.newestAdded), str(l.newestRemoved), str(l.newestCitation)])),
      v.imports.length ? [h("h2", {}, "Imported files"), table(["Kind", "File", "SHA-256", "Records", "When"], v.imports.map((i) => [str(i.kind), str(i.file), str(i.sha256), str(i.records), str(i.started)]))] : ""];
    if (r.kind === "screening") {
      parts.push(h("h2", {}, `Names screened (${r.inputs.names.length})`),
        h("h2", {}, "Results"),
        table(["Input", "Match", "Score", "Listings", "50% rule"], r.results.flatMap((x) => x.matches.length ? x.matches.map((m) => [x.input.name, m.name + " <" + m.party + ">", String(m.score),
          m.lists.map((li) => `${li.list} since ${str(li.date_added)} (${li.citations.map((c) => c.label).join(", ")})`).join("; ") || "on no list",
          m.affiliates_rule ? str(m.affiliates_rule.status) : ""]) : [[x.input.name, "no match", "", "", ""]]), { id: "record-results" }));
    } else {
      parts.push(h("h2", {}, "Orders checked (" + r.results.length + ")"),
        table(["Order", "Date", "Verdict", "Reasons"], r.results.map((x) => [x.order_id, str(x.date), x.verdict.replace(/_/g, " "),
          x.reasons.map((re) => `${re.rule}: ${re.message} [${str(re.cfr)}; ${str(re.citation)}]`).join("\n")]), { id: "record-results" }));
    }
    box.replaceChildren(...parts.flat());
  };
  $("record-print").addEventListener("click", () => window.print());
  $("record-json").addEventListener("click", () => download(`${state.record.kind}-record.json`, JSON.stringify(state.record, null, 2), "application/json"));

  // -- start ---------------------------------------------------------------------------------------
  window.addEventListener("hashchange", route);
  route();
  version().then((v) => {
    $("data-version").textContent = `exportgraph ${v.exportgraph} \u00b7 graph ${v.graph_sha256.slice(0, 12)} \u00b7 ${v.triples.toLocaleString("en")} triples`;
    $("data-version").title = "SHA-256 of the graph's triples: " + v.graph_sha256;
  }).catch(() => {});
  document.body.dataset.ready = "1";
})();
