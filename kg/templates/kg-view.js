/* kg's graph page: draws the network and wires search, filters, tooltips and details.
   Every piece of text from the graph reaches the page through textContent (or the canvas),
   never as HTML. window.kgView exposes the network and its data for tests and notebooks. */
(function () {
  "use strict";

  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function clear(node) { while (node.firstChild) { node.removeChild(node.firstChild); } }

  var meta = readJSON("kg-meta");
  var nodes = new vis.DataSet(readJSON("kg-nodes"));
  var edges = new vis.DataSet(readJSON("kg-edges"));
  var options = readJSON("kg-options");
  var container = document.getElementById("kg-network");
  var tooltip = document.getElementById("kg-tooltip");
  var details = document.getElementById("kg-details");
  var state = { ready: false, shown: null, selected: null };

  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  window.kgView = { network: network, nodes: nodes, edges: edges, meta: meta, state: state };

  function markReady() {
    if (state.ready) { return; }
    state.ready = true;
    document.body.setAttribute("data-kg-ready", "true");
  }
  if (meta.physics) {
    // physics settles the precomputed layout, then stops: the picture no longer moves
    network.once("stabilizationIterationsDone", function () {
      network.setOptions({ physics: { enabled: false } });
      network.fit({ animation: false });
      markReady();
    });
  } else {
    network.once("afterDrawing", function () {
      network.fit({ animation: false });
      markReady();
    });
  }

  // ------------------------------------------------------------ node descriptions

  function describe(id, full) {
    var n = nodes.get(id);
    var info = n.kgInfo;
    var box = document.createDocumentFragment();
    box.appendChild(el("div", "kg-info-title", n.label));
    var line = [info.type];
    if (info.kind) { line.push(info.kind); }
    if (info.dates) { line.push(info.dates); }
    box.appendChild(el("div", "kg-info-type", line.join(" · ")));
    if (info.title && info.title !== n.label) { box.appendChild(el("div", "kg-info-line", "Title: " + info.title)); }
    if (info.roles.length) { box.appendChild(el("div", "kg-info-line", "Roles: " + info.roles.join("; "))); }
    if (info.aliases.length) { box.appendChild(el("div", "kg-info-line", "Also called: " + info.aliases.join("; "))); }
    var ev = info.evidence;
    var max = full ? ev.length : 2;
    if (ev.length) {
      box.appendChild(el("div", "kg-info-h", ev.length === 1 ? "Evidence" : "Evidence (" + ev.length + " sentences)"));
      var list = el("ul", "kg-evidence");
      for (var i = 0; i < ev.length && i < max; i++) {
        var li = el("li", "kg-evidence-item");
        li.appendChild(el("span", "kg-sentence", ev[i].text));
        li.appendChild(el("cite", "kg-cite", ev[i].article + (ev[i].issued ? " (" + ev[i].issued + ")" : "")));
        list.appendChild(li);
      }
      box.appendChild(list);
      if (ev.length > max) {
        box.appendChild(el("div", "kg-more", "… and " + (ev.length - max) + " more: click the node to see them all."));
      }
    }
    if (info.sources.length && (full || !ev.length)) {
      box.appendChild(el("div", "kg-info-h", "Mentioned in " + info.sources.length +
        (info.sources.length === 1 ? " article" : " articles")));
      var srcs = el("ul", "kg-evidence");
      for (var j = 0; j < info.sources.length; j++) { srcs.appendChild(el("li", "kg-source", info.sources[j])); }
      box.appendChild(srcs);
    }
    if (full) { box.appendChild(el("div", "kg-iri", info.iri)); }
    return box;
  }

  function showTooltip(id, dom) {
    clear(tooltip);
    tooltip.appendChild(describe(id, false));
    tooltip.hidden = false;
    var w = container.clientWidth, h = container.clientHeight;
    var x = dom.x + 14, y = dom.y + 14;
    if (x + tooltip.offsetWidth > w) { x = Math.max(0, dom.x - tooltip.offsetWidth - 14); }
    if (y + tooltip.offsetHeight > h) { y = Math.max(0, h - tooltip.offsetHeight - 4); }
    tooltip.style.left = x + "px";
    tooltip.style.top = y + "px";
    state.shown = id;
  }
  function hideTooltip() { tooltip.hidden = true; state.shown = null; }

  function showDetails(id) {
    clear(details);
    var close = el("button", "kg-close", "Close");
    close.type = "button";
    close.addEventListener("click", function () { hideDetails(); network.unselectAll(); });
    details.appendChild(close);
    details.appendChild(describe(id, true));
    details.hidden = false;
    state.selected = id;
  }
  function hideDetails() { details.hidden = true; clear(details); state.selected = null; }

  network.on("hoverNode", function (p) { showTooltip(p.node, p.pointer.DOM); });
  network.on("blurNode", hideTooltip);
  network.on("dragStart", hideTooltip);
  network.on("zoom", hideTooltip);
  network.on("click", function (p) {
    hideTooltip();
    if (p.nodes.length) { showDetails(p.nodes[0]); } else { hideDetails(); }
  });

  // ------------------------------------------------------------ search

  var search = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  var names = document.getElementById("kg-names");
  var all = nodes.get({ fields: ["id", "label", "kgNames", "kgClass", "kgStart", "kgEnd"] });
  var labels = all.map(function (n) { return n.label; }).sort();
  for (var k = 0; k < labels.length; k++) {
    if (k === 0 || labels[k] !== labels[k - 1]) {
      var opt = document.createElement("option");
      opt.value = labels[k];
      names.appendChild(opt);
    }
  }

  function find(text) {
    var q = text.trim().toLowerCase();
    if (!q) { return []; }
    var exact = [], partial = [];
    for (var i = 0; i < all.length; i++) {
      var ns = all[i].kgNames;
      if (ns.indexOf(q) >= 0) { exact.push(all[i]); continue; }
      for (var j = 0; j < ns.length; j++) {
        if (ns[j].indexOf(q) >= 0) { partial.push(all[i]); break; }
      }
    }
    var found = exact.length ? exact : partial;
    return found.sort(function (a, b) { return a.label < b.label ? -1 : a.label > b.label ? 1 : 0; });
  }

  function go() {
    var found = find(search.value);
    if (!found.length) { status.textContent = search.value.trim() ? "No node is called that." : ""; return; }
    var n = found[0];
    if (nodes.get(n.id).hidden) {
      status.textContent = "“" + n.label + "” is hidden by the filters.";
      return;
    }
    status.textContent = found.length > 1 ? found.length + " matches; showing “" + n.label + "”." : "";
    network.selectNodes([n.id]);
    network.focus(n.id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showDetails(n.id);
  }
  search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); go(); } });
  search.addEventListener("change", go);

  // ------------------------------------------------------------ filters

  var classBoxes = Array.prototype.slice.call(document.querySelectorAll(".kg-class-filter"));
  var since = document.getElementById("kg-since");
  var until = document.getElementById("kg-until");
  var inferredBox = document.getElementById("kg-inferred");
  var adjacent = {};
  edges.forEach(function (e) {
    (adjacent[e.from] = adjacent[e.from] || []).push(e.to);
    (adjacent[e.to] = adjacent[e.to] || []).push(e.from);
  });

  function bound(input, end) {
    var v = input.value.trim();
    input.classList.remove("kg-invalid");
    if (!v) { return null; }
    var m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(v);
    if (!m) { input.classList.add("kg-invalid"); return null; }
    if (m[3]) { return v; }
    if (m[2]) {
      if (!end) { return v + "-01"; }
      var last = new Date(Date.UTC(+m[1], +m[2], 0)).getUTCDate();
      return v + "-" + (last < 10 ? "0" : "") + last;
    }
    return v + (end ? "-12-31" : "-01-01");
  }

  function applyFilters() {
    var on = {};
    classBoxes.forEach(function (b) { on[b.getAttribute("data-class")] = b.checked; });
    var lo = bound(since, false), hi = bound(until, true);
    var ranged = lo !== null || hi !== null;
    var visible = {}, datedIn = {};
    all.forEach(function (n) {
      if (on[n.kgClass] === false) { return; }
      if (n.kgStart === null || n.kgStart === undefined) { visible[n.id] = !ranged; return; }
      var inside = (lo === null || n.kgEnd >= lo) && (hi === null || n.kgStart <= hi);
      visible[n.id] = inside;
      if (inside) { datedIn[n.id] = true; }
    });
    if (ranged) {
      all.forEach(function (n) {
        if (on[n.kgClass] === false || (n.kgStart !== null && n.kgStart !== undefined)) { return; }
        var ns = adjacent[n.id] || [];
        for (var i = 0; i < ns.length; i++) { if (datedIn[ns[i]]) { visible[n.id] = true; return; } }
      });
    }
    var nodeUpdates = [];
    all.forEach(function (n) {
      var hidden = !visible[n.id];
      if (!!nodes.get(n.id).hidden !== hidden) { nodeUpdates.push({ id: n.id, hidden: hidden }); }
    });
    if (nodeUpdates.length) { nodes.update(nodeUpdates); }
    var showInferred = inferredBox ? inferredBox.checked : false;
    var edgeUpdates = [];
    edges.forEach(function (e) {
      var hidden = !visible[e.from] || !visible[e.to] || (e.kgInferred && !showInferred);
      if (!!e.hidden !== hidden) { edgeUpdates.push({ id: e.id, hidden: hidden }); }
    });
    if (edgeUpdates.length) { edges.update(edgeUpdates); }
    if (state.selected !== null && !visible[state.selected]) { hideDetails(); }
    hideTooltip();
  }

  classBoxes.forEach(function (b) { b.addEventListener("change", applyFilters); });
  [since, until].forEach(function (i) { i.addEventListener("change", applyFilters); });
  if (inferredBox) { inferredBox.addEventListener("change", applyFilters); }
  document.getElementById("kg-reset").addEventListener("click", function () {
    classBoxes.forEach(function (b) { b.checked = true; });
    since.value = "";
    until.value = "";
    if (inferredBox) { inferredBox.checked = false; }
    status.textContent = "";
    applyFilters();
  });
  document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  window.kgView.applyFilters = applyFilters;
})();
