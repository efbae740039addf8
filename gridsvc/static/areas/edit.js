/* The area editor (/areas/{code}/edit): the area, its parent's outline, its siblings and
   children on a Leaflet map; leaflet-geoman moves vertices (snapping to the neighbours'),
   draws split lines and new areas. Every save goes to the area edit API, which checks it with
   the import rules; a refusal's shapes are drawn in red where the problem is. */
(function () {
  "use strict";
  var box = document.getElementById("edit-map");
  if (!box || !window.L) return;
  var code = box.getAttribute("data-code");
  var childPoint = box.getAttribute("data-child-point") === "1";
  var words = JSON.parse(document.getElementById("editor-words").textContent);
  var msg = document.getElementById("edit-msg");
  var csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";
  var wide = window.matchMedia("(min-width: 760px)").matches;

  var map = L.map(box, { attributionControl: false });
  if (map.pm) {
    map.pm.setLang(document.documentElement.lang.indexOf("en") === 0 ? "en" : "zh");
    map.pm.setGlobalOptions({ snappable: true, snapDistance: 15, allowSelfIntersection: true });
  }
  var layers = L.featureGroup().addTo(map);
  var problems = L.featureGroup().addTo(map);
  var state = { self: null, original: null, versions: {}, features: {}, mode: null, placed: false };
  window.gridsvcEditor = { map: map, state: state };  // for the browser tests and the curious

  function fill(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, k) { return values[k] == null ? "" : values[k]; });
  }
  function say(text, kind) {
    msg.className = kind || "";
    msg.textContent = text;
  }
  var STYLE = {
    self: { color: "#1a5fb4", weight: 3, fillOpacity: 0.15 },
    parent: { color: "#444", weight: 2, dashArray: "6 4", fill: false },
    sibling: { color: "#777", weight: 1.5, fillOpacity: 0.08 },
    child: { color: "#2e7d32", weight: 1, fillOpacity: 0.05 }
  };

  function draw(fc) {
    layers.clearLayers();
    state.features = {};
    state.versions = {};
    state.self = null;
    fc.features.forEach(function (f) {
      var p = f.properties;
      state.features[p.code] = f;
      state.versions[p.code] = p.version;
      var layer = L.geoJSON(f, {
        style: STYLE[p.role],
        pmIgnore: p.role !== "self",
        pointToLayer: function (feat, ll) {
          return p.role === "self" ? L.marker(ll)
            : L.circleMarker(ll, { radius: 4, color: STYLE[p.role].color, pmIgnore: true });
        }
      }).getLayers()[0];
      if (!layer) return;
      layer.bindTooltip(p.name);
      layer.addTo(layers);
      if (p.role === "self") state.self = layer;
      if (p.role === "sibling") layer.on("click", function () { pickMerge(p); });
    });
    if (state.self) {
      state.original = JSON.stringify(state.self.toGeoJSON(6).geometry);
      if (!state.placed) {  // the view first: geoman places its vertex handles on the map's view
        var b = state.self.getBounds ? state.self.getBounds() : L.latLngBounds([state.self.getLatLng()]);
        map.fitBounds(b.pad(0.4));
        state.placed = true;
      }
      if (wide && state.self.pm) state.self.pm.enable({ allowSelfIntersection: true, snappable: true });
    }
  }

  function coverage(data) {
    var out = [];
    if (data.coverage && data.coverage.children) {
      out.push(fill(words.coverage_self, { p: (data.coverage.coverage * 100).toFixed(1) }));
    }
    if (data.parent_coverage) {
      out.push(fill(words.coverage_parent, { p: (data.parent_coverage.coverage * 100).toFixed(1) }));
    }
    document.getElementById("edit-coverage").textContent = out.join(" · ");
  }

  function load() {
    return fetch("/api/v1/areas/" + code + "/editor", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        draw(data);
        coverage(data);
        var v = document.getElementById("details-version");
        if (v && state.versions[code]) v.value = state.versions[code];
        box.setAttribute("data-version", state.versions[code]);
        box.setAttribute("data-ready", "1");
      });
  }

  function showProblems(shapes) {
    problems.clearLayers();
    if (!shapes || !shapes.features) return;
    L.geoJSON(shapes, {
      pmIgnore: true,
      style: { color: "#c01c28", weight: 3, fillColor: "#c01c28", fillOpacity: 0.45 },
      pointToLayer: function (f, ll) { return L.circleMarker(ll, { radius: 9, color: "#c01c28", fillOpacity: 0.8 }); },
      onEachFeature: function (f, l) { l.bindTooltip(f.properties.message || ""); }
    }).eachLayer(function (l) { l.addTo(problems); });
    box.setAttribute("data-problems", shapes.features.map(function (f) { return f.properties.rule; }).join(" "));
  }

  /* The areas an edit created, by name with the code lighter beside it: "已分割,新区域:
     川口社区第1网格 2 610202004002009" (names are people's words: set as text, never as HTML). */
  function sayCreated(data, lead) {
    var byCode = {};
    (data.features || []).forEach(function (f) { byCode[f.properties.code] = f.properties.name; });
    var gap = document.documentElement.lang.indexOf("zh") === 0 ? "" : " ";  // no space between Chinese sentences
    msg.appendChild(document.createTextNode(gap + lead));
    data.created.forEach(function (c, i) {
      if (i) msg.appendChild(document.createTextNode(words.list_sep));
      var item = document.createElement("span");
      item.className = "created";
      var name = document.createElement("strong");
      name.textContent = byCode[c] || c;
      item.appendChild(name);
      if (byCode[c]) {
        var code = document.createElement("span");
        code.className = "muted";
        code.textContent = " " + c;
        item.appendChild(code);
      }
      msg.appendChild(item);
    });
  }

  function send(url, body, made) {
    problems.clearLayers();
    box.removeAttribute("data-problems");
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (data) { return { status: r.status, data: data }; });
    }).then(function (res) {
      if (res.status < 300) {
        say(words.saved, "ok");
        if (res.data.created && res.data.created.length) sayCreated(res.data, made || words.created);
        return load();
      }
      var err = res.data.error || {};
      var d = err.details || {};
      if (err.code === "stale") {
        say(d.changed_by ? fill(words.stale, { who: d.changed_by, when: d.changed_at }) : words.stale_nobody, "error");
        return load();
      }
      say(words.refused + (err.message || ""), "error");
      showProblems(d.shapes);
      if (d.rejected) {
        say(words.refused + d.rejected.map(function (r) {
          return r.problems.map(function (p) { return p.message; }).join(";");
        }).join(";"), "error");
      }
    }).catch(function () { say(words.failed, "error"); });
  }

  function newName() {
    var el = document.getElementById("new-name");
    return el && el.value.trim() ? el.value.trim() : null;
  }

  function setMode(mode) {
    state.mode = mode;
    ["split", "merge", "draw"].forEach(function (m) {
      var b = document.getElementById("tool-" + m);
      if (b) b.setAttribute("aria-pressed", String(m === mode));
    });
    if (map.pm) map.pm.disableDraw();
    if (mode === "split") { say(words.split_hint); map.pm.enableDraw("Line", { snappable: true }); }
    if (mode === "draw") {
      say(words.draw_hint);
      map.pm.enableDraw(childPoint ? "Marker" : "Polygon", { snappable: true, allowSelfIntersection: true });
    }
    if (mode === "merge") say(words.merge_hint);
    if (!mode) say("");
  }

  function pickMerge(p) {
    if (state.mode !== "merge") return;
    msg.className = "";
    msg.textContent = fill(words.merge_confirm, { name: p.name }) + " ";
    var yes = document.createElement("button");
    yes.type = "button";
    yes.id = "merge-confirm";
    yes.textContent = words.merge_do;
    var no = document.createElement("button");
    no.type = "button";
    no.className = "secondary";
    no.textContent = words.cancel;
    msg.appendChild(yes);
    msg.appendChild(document.createTextNode(" "));
    msg.appendChild(no);
    no.addEventListener("click", function () { setMode(null); });
    yes.addEventListener("click", function () {
      var versions = {};
      versions[code] = state.versions[code];
      versions[p.code] = state.versions[p.code];
      setMode(null);
      send("/api/v1/areas/merge", { codes: [code, p.code], keep: code, versions: versions });
    });
  }

  if (map.pm) {
    map.on("pm:create", function (e) {
      var geom = e.layer.toGeoJSON(6).geometry;
      map.removeLayer(e.layer);
      var mode = state.mode;
      setMode(null);
      if (mode === "split" && e.shape === "Line") {
        var body = { line: geom, version: state.versions[code] };
        if (newName()) body.name = newName();
        send("/api/v1/areas/" + code + "/split", body, words.split_done);
      } else if (mode === "draw") {
        send("/api/v1/areas/" + code + "/children", { name: newName() || words.new_default, geometry: geom });
      }
    });
  }

  function on(id, fn) {
    var el = document.getElementById(id);
    if (el) el.addEventListener("click", fn);
  }
  on("tool-save", function () {
    if (!state.self) return;
    var geom = state.self.toGeoJSON(6).geometry;
    if (JSON.stringify(geom) === state.original) { say(words.nothing); return; }
    send("/api/v1/areas/" + code + "/redraw", { geometry: geom, version: state.versions[code] });
  });
  on("tool-reset", function () { setMode(null); problems.clearLayers(); load(); });
  on("tool-split", function () { setMode(state.mode === "split" ? null : "split"); });
  on("tool-merge", function () { setMode(state.mode === "merge" ? null : "merge"); });
  on("tool-draw", function () { setMode(state.mode === "draw" ? null : "draw"); });

  load();
})();
