/* gridsvc maps in the browser: safe popups, layers loaded for the visible area, and the
 * furniture of a printed floor plan (labels, north arrow, scale, print sizes).
 *
 * Plain ES2017 over Leaflet 1.9, no other library. Every text that users typed (names,
 * phones, anything in a feature's properties) reaches the page through textContent or an
 * attribute setter, never through innerHTML, so a name written like an HTML tag shows as
 * text.
 */
(function (global) {
  "use strict";
  var L = global.L;
  var GM = {};

  var LEVEL_ZH = { city: "市", district: "区县", street: "街道/镇", community: "社区/村", grid: "网格", group: "居民小组", building: "楼栋" };
  var LEVEL_EN = { city: "City", district: "District", street: "Street", community: "Community", grid: "Grid", group: "Resident group", building: "Building" };

  // ---------------------------------------------------------------- DOM helpers (safe)

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  // One language at a time: the page's <html lang> (set by the server) picks the words.
  var EN = /^en\b/.test(document.documentElement.lang || "");
  function T(zh, enText) { return EN ? enText : zh; }
  var ROLE_EN = { instructor: "Grid instructor", head: "Grid head", worker: "Grid worker",
                  group_leader: "Group leader", building_head: "Building head" };
  GM.T = T;
  function fmtInt(n) { return (n === null || n === undefined || n === "") ? "—" : Number(n).toLocaleString("zh-CN"); }
  function fmtKm2(m2) {
    if (!m2) return "—";
    var km2 = m2 / 1e6;
    return (km2 < 1 ? km2.toFixed(3) : km2.toFixed(2)) + " km²";
  }
  function telHref(phone) { return "tel:" + String(phone).replace(/[^0-9+]/g, ""); }
  function sameOriginPath(href) { return typeof href === "string" && /^\/(?!\/)/.test(href); }
  GM.el = el;

  // ---------------------------------------------------------------- popups

  function staffList(people) {
    var ul = el("ul", "gm-staff");
    if (!people.length) { ul.appendChild(el("li", "gm-muted", T("暂无网格人员", "No staff assigned"))); return ul; }
    people.forEach(function (s) {
      var li = el("li");
      li.appendChild(el("strong", null, s.name || s.username || ""));
      var role = EN ? (ROLE_EN[s.role] || s.role_zh || "") : (s.role_zh || "");
      li.appendChild(el("span", "gm-role", " " + role + (s.tier ? T(" · 第" + s.tier + "级", " · tier " + s.tier) : "")));
      if (s.phone) {
        var a = el("a", "gm-phone", s.phone);
        a.setAttribute("href", telHref(s.phone));
        li.appendChild(a);
      }
      ul.appendChild(li);
    });
    return ul;
  }

  function loadStaff(code, box) {
    box.appendChild(el("div", "gm-muted", T("正在加载网格人员…", "Loading staff…")));
    fetch("/api/v1/areas/" + encodeURIComponent(code) + "/staff", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) { box.textContent = ""; box.appendChild(staffList(d.staff || [])); })
      .catch(function () { box.textContent = ""; box.appendChild(el("div", "gm-muted", T("网格人员暂不可用", "Staff unavailable"))); });
  }

  /* The card of an area: name, level and code, figures, its staff (inlined, or fetched when
   * the popup opens), and links. opts.staff: "inline" | "fetch" | false; opts.links: bool. */
  GM.areaCard = function (p, opts) {
    opts = opts || {};
    var box = el("div", "gm-card");
    box.appendChild(el("div", "gm-card-title", p.name || p.code || ""));
    box.appendChild(el("div", "gm-card-sub", ((EN ? LEVEL_EN : LEVEL_ZH)[p.level] || "") + " " + (p.code || "")));
    if (p.level !== "building" || p.households) {
      var t = el("table", "gm-figs");
      [[T("户数", "Households"), fmtInt(p.households)], [T("人口", "Population"), fmtInt(p.population)],
       [T("面积", "Area"), fmtKm2(p.area_m2), "area"]].forEach(function (row) {
        if (row[1] === "—" && row[2] === "area") return;
        var tr = el("tr");
        tr.appendChild(el("th", null, row[0]));
        tr.appendChild(el("td", null, row[1]));
        t.appendChild(tr);
      });
      box.appendChild(t);
    }
    if (p.value_label) box.appendChild(el("div", "gm-card-value", p.value_label));
    var staffBox = el("div", "gm-card-staff");
    if (Array.isArray(p.staff)) { staffBox.appendChild(staffList(p.staff)); box.appendChild(staffBox); }
    else if (opts.staff === "fetch" && p.code) { box.appendChild(staffBox); loadStaff(p.code, staffBox); }
    if (opts.links && p.code) {
      var links = el("div", "gm-card-links");
      var a = el("a", null, T("详情", "Details"));
      a.setAttribute("href", "/areas/" + encodeURIComponent(p.code));
      links.appendChild(a);
      if (p.level === "community") {
        var f = el("a", null, T("网格平面图", "Floor plan"));
        f.setAttribute("href", "/maps/community/" + encodeURIComponent(p.code));
        links.appendChild(f);
      }
      box.appendChild(links);
    }
    return box;
  };

  /* The card of a feature of a registered layer (wishes, demands, projects): the title field
   * and the listed fields, all as text; a same-origin link if the layer names one. */
  GM.featureCard = function (p, def) {
    var box = el("div", "gm-card");
    box.appendChild(el("div", "gm-card-title", p[def.title_field] || p.name || p.title || ""));
    var t = el("table", "gm-figs");
    (def.fields || []).forEach(function (f) {
      var v = p[f[0]];
      if (v === undefined || v === null || v === "") return;
      var tr = el("tr");
      tr.appendChild(el("th", null, f[1]));
      tr.appendChild(el("td", null, typeof v === "object" ? JSON.stringify(v) : v));
      t.appendChild(tr);
    });
    box.appendChild(t);
    var href = def.link_field ? p[def.link_field] : null;
    if (sameOriginPath(href)) {
      var a = el("a", "gm-card-links", T("打开", "Open"));
      a.setAttribute("href", href);
      box.appendChild(a);
    }
    return box;
  };

  /* For folium's on_each_feature: popups (and an optional hover tooltip) of an area. */
  GM.bindArea = function (feature, layer, opts) {
    opts = opts || {};
    var p = feature.properties || {};
    layer.bindPopup(function () { return GM.areaCard(p, opts); }, { maxWidth: 300, autoPanPadding: [12, 12] });
    if (opts.tooltip) layer.bindTooltip(function () { return el("span", null, p.name || p.code || ""); }, { sticky: true });
  };

  var PRIORITY = { scope: 0, city: 1, district: 2, street: 3, community: 4, grid: 5, group: 6, building: 7 };

  function labelElement(p, cls, fields, priority) {
    var box = el("div", "gm-label-inner " + (cls || ""));
    box.setAttribute("data-priority", String(priority === undefined ? 9 : priority));
    (fields || ["name"]).forEach(function (f, i) {
      var v = p[f];
      if (v === undefined || v === null || v === "") return;
      box.appendChild(el("div", i === 0 ? "gm-label-main" : "gm-label-sub", v));
    });
    return box;
  }

  // ---------------------------------------------------------------- controls

  function control(position, build) {
    var C = L.Control.extend({ options: { position: position }, onAdd: build });
    return new C();
  }

  GM.northArrow = function (map, position) {
    return control(position || "topright", function () {
      var box = el("div", "gm-north leaflet-control");
      box.setAttribute("title", T("指北针", "North"));
      box.setAttribute("aria-label", T("指北针", "North arrow"));
      var ns = "http://www.w3.org/2000/svg";
      var svg = document.createElementNS(ns, "svg");
      svg.setAttribute("viewBox", "0 0 40 56");
      svg.setAttribute("width", "34");
      svg.setAttribute("height", "48");
      [["M20 4 L32 40 L20 32 Z", "#222"], ["M20 4 L8 40 L20 32 Z", "#fff"]].forEach(function (d) {
        var path = document.createElementNS(ns, "path");
        path.setAttribute("d", d[0]); path.setAttribute("fill", d[1]);
        path.setAttribute("stroke", "#222"); path.setAttribute("stroke-width", "1.5");
        svg.appendChild(path);
      });
      var text = document.createElementNS(ns, "text");
      text.setAttribute("x", "20"); text.setAttribute("y", "54"); text.setAttribute("text-anchor", "middle");
      text.setAttribute("font-size", "12"); text.setAttribute("font-weight", "700");
      text.textContent = T("北", "N");
      svg.appendChild(text);
      box.appendChild(svg);
      return box;
    }).addTo(map);
  };

  GM.scale = function (map, position) {
    return L.control.scale({ position: position || "bottomleft", imperial: false, maxWidth: 160 }).addTo(map);
  };

  /* A legend: title, then rows of [colour, text]. */
  GM.legend = function (map, spec, position) {
    var ctl = control(position || "bottomright", function () {
      var box = el("div", "gm-legend leaflet-control");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      box.appendChild(el("div", "gm-legend-title", spec.title || ""));
      (spec.rows || []).forEach(function (r) {
        var row = el("div", "gm-legend-row");
        var sw = el("span", "gm-swatch");
        sw.style.background = /^#[0-9a-fA-F]{3,8}$/.test(r[0]) ? r[0] : "#ccc";
        row.appendChild(sw);
        row.appendChild(el("span", null, r[1]));
        box.appendChild(row);
      });
      if (spec.note) box.appendChild(el("div", "gm-muted", spec.note));
      return box;
    });
    ctl.addTo(map);
    return ctl;
  };

  /* A small status line: loading, "zoom in to see ...", "too many: zoom in", errors. */
  function statusControl(map) {
    var box;
    var ctl = control("bottomleft", function () {
      box = el("div", "gm-status leaflet-control");
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      return box;
    });
    ctl.addTo(map);
    ctl.set = function (lines) {
      box.textContent = "";
      lines.forEach(function (t) { box.appendChild(el("div", null, t)); });
      box.style.display = lines.length ? "" : "none";
    };
    ctl.set([]);
    return ctl;
  }

  // ---------------------------------------------------------------- labels that do not collide

  /* Hide a label that would overlap one of higher priority (the user's own area, then the
   * upper levels): a label drawn over another is read as neither. */
  GM.declutter = function (map) {
    var pane = map.getPane("tooltipPane");
    if (!pane) return;
    var labels = Array.prototype.slice.call(pane.querySelectorAll(".gm-label"));
    if (labels.length > 600) labels = labels.slice(0, 600);  // beyond that the levels hide by zoom anyway
    labels.forEach(function (t) { t.style.visibility = ""; });
    var items = labels.map(function (t, i) {
      var inner = t.querySelector(".gm-label-inner");
      return { el: t, p: inner ? Number(inner.getAttribute("data-priority")) : 9, i: i, r: t.getBoundingClientRect() };
    }).sort(function (a, b) { return a.p - b.p || a.i - b.i; });
    var kept = [];
    items.forEach(function (it) {
      var r = it.r;
      var hit = kept.some(function (k) { return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top; });
      if (hit) it.el.style.visibility = "hidden"; else kept.push(r);
    });
  };

  // ---------------------------------------------------------------- viewport loading

  function r6(x) { return Math.round(x * 1e6) / 1e6; }
  function clamp(x, limit) { return Math.max(-limit, Math.min(limit, x)); }

  // a map page opened with ?on=YYYY-MM-DD draws the boundaries as they stood that day
  var ON = (/[?&]on=(\d{4}-\d{2}-\d{2})(&|$)/.exec(global.location ? global.location.search : "") || [])[1];

  function areaUrl(cfg, def, bbox, z, under) {
    var q = ["level=" + encodeURIComponent(def.level), "bbox=" + bbox, "zoom=" + z, "limit=" + (def.limit || 5000)];
    if (ON && def.kind === "area") q.push("on=" + ON);
    if (under) q.push("under=" + encodeURIComponent(under));
    if (def.kind === "area" && !def.points) q.push("clip=1");  // big outlines come cut to the view
    if (cfg.crs && cfg.crs !== "wgs84") q.push("crs=" + encodeURIComponent(cfg.crs));
    if (def.kind === "choropleth") q.push("by=" + encodeURIComponent(def.by));
    return (def.kind === "choropleth" ? cfg.choropleth_api : cfg.api) + "?" + q.join("&");
  }

  function templateUrl(cfg, def, bbox, z, under) {
    var vals = { bbox: bbox, zoom: String(z), crs: cfg.crs || "wgs84", area: under || (cfg.scope || []).join(",") };
    return def.url.replace(/\{(bbox|zoom|crs|area)\}/g, function (_, k) { return encodeURIComponent(vals[k]); });
  }

  function styleFor(def) {
    return function (f) {
      var s = L.Util.extend({ className: "gm-" + def.id }, def.style || {});
      var p = f.properties || {};
      if (def.kind === "choropleth") {
        s.fillColor = /^#[0-9a-fA-F]{3,8}$/.test(p.color) ? p.color : "#ccc";
        s.fillOpacity = 0.78; s.fill = true; s.color = "#4d4d4d"; s.weight = 0.8; s.dashArray = null;
      }
      if (def.highlight && def.highlight.indexOf(p.code) >= 0) { s.weight = (s.weight || 1) + 2; s.color = "#c62828"; }
      return s;
    };
  }

  function makeGroup(cfg, def) {
    var ptStyle = L.Util.extend({ radius: 5 }, def.style || {});
    return L.geoJSON(null, {
      pane: def.pane || "overlayPane",
      style: styleFor(def),
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, L.Util.extend({}, ptStyle, { className: "gm-" + def.id, pane: def.pane || "overlayPane" }));
      },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        if (def.kind === "external") {
          layer.bindPopup(function () { return GM.featureCard(p, def); }, { maxWidth: 300 });
        } else {
          layer.bindPopup(function () { return GM.areaCard(p, { staff: "fetch", links: true }); }, { maxWidth: 300, autoPanPadding: [12, 12] });
        }
        if (def.label && def.showLabels && layer.bindTooltip) {
          layer.bindTooltip(labelElement(p, "gm-label-" + def.id, def.label_fields, PRIORITY[def.id]), {
            permanent: true, direction: "center", className: "gm-label gm-label-" + def.id, interactive: false,
          });
        }
      },
    });
  }

  /* Layers that load for the visible area: cfg.layers[] with kind "area" (GET /api/v1/areas
   * by level, bbox and zoom; geometries come simplified for that zoom), "choropleth" (the
   * same, coloured by a figure) or "external" (a registered layer's own GeoJSON URL). */
  GM.viewport = function (map, layerControl, cfg) {
    var status = statusControl(map);
    var defs = cfg.layers.map(function (def) {
      def.group = makeGroup(cfg, def);
      def.state = { bounds: null, zoom: null, ctrl: null, truncated: false, error: null, pending: false };
      if (def.show) def.group.addTo(map);
      if (layerControl) layerControl.addOverlay(def.group, def.name);
      return def;
    });
    GM.layers = defs;

    function updateStatus() {
      var z = Math.round(map.getZoom()), hidden = [], lines = [];
      var loading = defs.some(function (d) { return d.state.pending; });
      defs.forEach(function (d) {
        if (map.hasLayer(d.group) && z < d.minZoom) hidden.push(d.name);
        if (d.state.truncated) lines.push(T(d.name + "过多,请放大", "Too many " + d.name.toLowerCase() + ": zoom in"));
        if (d.state.error) lines.push(T(d.name + "加载失败", d.name + " failed to load"));
      });
      if (hidden.length) lines.unshift(T("放大可见:" + hidden.join("、"), "Zoom in to see " + hidden.join(", ")));
      if (loading) lines.unshift(T("正在加载…", "Loading…"));
      status.set(lines);
    }

    function refresh(def) {
      var z = Math.round(map.getZoom());
      if (!map.hasLayer(def.group) || z < def.minZoom || z > (def.maxZoom || 30)) {
        if (def.state.ctrl) def.state.ctrl.abort();
        def.group.clearLayers();
        def.state = { bounds: null, zoom: null, ctrl: null, truncated: false, error: null, pending: false };
        return;
      }
      var view = map.getBounds();
      var sameZoom = def.state.zoom === z || def.points;  // points do not change with simplification
      if (def.state.bounds && sameZoom && def.state.bounds.contains(view)) return;
      var b = view.pad(0.25);
      // the server refuses a box outside the globe: a view zoomed out past it asks for the globe
      var bbox = [clamp(b.getWest(), 180), clamp(b.getSouth(), 90), clamp(b.getEast(), 180),
                  clamp(b.getNorth(), 90)].map(r6).join(",");
      var unders = (def.under && def.under.length) ? def.under : [null];
      var urls = unders.map(function (u) {
        return def.kind === "external" ? templateUrl(cfg, def, bbox, z, u) : areaUrl(cfg, def, bbox, z, u);
      });
      if (def.state.ctrl) def.state.ctrl.abort();
      var ctrl = ("AbortController" in global) ? new AbortController() : null;
      def.state.ctrl = ctrl;
      def.state.pending = true;
      updateStatus();
      Promise.all(urls.map(function (u) {
        return fetch(u, { credentials: "same-origin", headers: { Accept: "application/geo+json, application/json" }, signal: ctrl ? ctrl.signal : undefined })
          .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); });
      })).then(function (fcs) {
        if (def.state.ctrl !== ctrl) return;
        def.showLabels = def.label && z >= (def.labelZoom || 99);
        def.group.clearLayers();
        var truncated = false;
        fcs.forEach(function (fc) { def.group.addData(fc); truncated = truncated || !!fc.truncated; if (fc.legend) GM.setChoroplethLegend(map, fc.legend); });
        def.state = { bounds: b, zoom: z, ctrl: null, truncated: truncated, error: null, pending: false };
        updateStatus();
        GM.declutter(map);
        map.fire("gm:loaded", { layer: def.id, count: def.group.getLayers().length });
      }).catch(function (e) {
        if (e && e.name === "AbortError") return;
        def.state.pending = false;
        def.state.error = String(e);
        updateStatus();
      });
    }

    var timer = null;
    function refreshAll() {
      timer = null;
      defs.forEach(refresh);
      updateStatus();
    }
    function schedule() { if (timer) clearTimeout(timer); timer = setTimeout(refreshAll, 120); }
    map.on("moveend", schedule);
    map.on("zoomend overlayadd overlayremove", function () { GM.declutter(map); });
    map.on("overlayadd overlayremove", schedule);
    map.whenReady(refreshAll);
    return defs;
  };

  var choroplethLegend = null;
  GM.setChoroplethLegend = function (map, legend) {
    if (choroplethLegend) map.removeControl(choroplethLegend);
    var rows = (legend.classes || []).map(function (c) { return [c.color, c.label]; });
    if (legend.no_data_color) rows.push([legend.no_data_color, T("无数据", "No data")]);
    choroplethLegend = GM.legend(map, { title: legend.title, rows: rows, note: legend.note }, "bottomright");
  };

  /* Inline (small) area layers: the user's own areas on "my area". */
  GM.inlineAreas = function (map, layerControl, spec) {
    var style = L.Util.extend({ className: "gm-" + spec.id }, spec.style || {});
    var group = L.geoJSON(spec.data, {
      pane: spec.pane || "overlayPane",
      style: function () { return style; },
      pointToLayer: function (f, latlng) { return L.circleMarker(latlng, L.Util.extend({ radius: 6, pane: spec.pane || "overlayPane" }, style)); },
      onEachFeature: function (f, layer) {
        var p = f.properties || {};
        layer.bindPopup(function () { return GM.areaCard(p, { staff: Array.isArray(p.staff) ? "inline" : "fetch", links: true }); },
          { maxWidth: 300, autoPanPadding: [12, 12] });
        if (spec.label) {
          layer.bindTooltip(labelElement(p, "gm-label-" + spec.id, spec.label_fields, PRIORITY[spec.id]), {
            permanent: true, direction: "center", className: "gm-label gm-label-" + spec.id, interactive: false,
          });
        }
      },
    }).addTo(map);
    if (layerControl) layerControl.addOverlay(group, spec.name);
    return group;
  };

  // ---------------------------------------------------------------- floor plan

  /* Grid labels at the points the server chose (inside each grid): the short name and the code. */
  GM.floorLabels = function (map, fc) {
    var group = L.layerGroup();
    var placed = [];
    (fc.features || []).forEach(function (f) {
      var p = f.properties || {};
      if (!p.label_point) return;
      var inner = labelElement(p, "", ["label", "code"]);
      inner.appendChild(el("div", "gm-label-num", String(p.code || "").slice(-3)));
      var icon = L.divIcon({ className: "gm-fp-label", html: inner, iconSize: null });
      L.marker([p.label_point[1], p.label_point[0]], { icon: icon, interactive: false, keyboard: false }).addTo(group);
      if (p.bbox) placed.push({ el: inner, bounds: L.latLngBounds(p.bbox) });
    });
    group.addTo(map);
    /* A label wider than its grid is set smaller, then without its code line, and at last as
     * the grid's number alone (the legend gives number, name and code): no label runs across
     * its neighbours. */
    function fit() {
      placed.forEach(function (it) {
        var a = map.latLngToContainerPoint(it.bounds.getSouthWest()), b = map.latLngToContainerPoint(it.bounds.getNorthEast());
        var room = Math.abs(b.x - a.x) * 0.92;
        it.el.classList.remove("gm-fp-tight", "gm-fp-tiny", "gm-fp-min");
        ["gm-fp-tight", "gm-fp-tiny", "gm-fp-min"].some(function (step) {
          if (it.el.offsetWidth <= room) return true;
          it.el.classList.add(step);
          return false;
        });
      });
    }
    map.on("zoomend viewreset resize", fit);
    GM.fitLabels = fit;
    fit();
    return group;
  };

  var PAPER = { A4: [297, 210], A3: [420, 297] };

  /* Print: the map takes the size it has on paper before the browser lays out the page,
   * then fits the community again, so what prints is the whole community at the largest
   * scale the sheet allows. */
  GM.printable = function (map, bounds, opts) {
    opts = opts || {};
    var container = map.getContainer();
    var styleEl = document.getElementById("gm-page-size");
    var current = opts.paper || "A4";

    function mmToPx(mm) { return mm * 96 / 25.4; }
    function fit() { map.fitBounds(bounds, { padding: [10, 10], animate: false }); }
    function setPaper(name) {
      current = PAPER[name] ? name : "A4";
      document.body.setAttribute("data-paper", current);
      if (styleEl) styleEl.textContent = "@page { size: " + current + " landscape; margin: 8mm; }";
    }
    function relabel() { if (GM.fitLabels) GM.fitLabels(); }
    function before() {
      var box = document.querySelector("[data-print-map-size]");
      var sizes = box ? JSON.parse(box.getAttribute("data-print-map-size")) : null;
      var s = sizes && sizes[current];
      if (s) { container.style.width = mmToPx(s[0]) + "px"; container.style.height = mmToPx(s[1]) + "px"; }
      map.invalidateSize({ pan: false });
      fit();
      relabel();
    }
    function after() {
      container.style.width = ""; container.style.height = "";
      map.invalidateSize({ pan: false });
      fit();
      relabel();
    }
    setPaper(current);
    global.addEventListener("beforeprint", before);
    global.addEventListener("afterprint", after);
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (btn) {
      btn.addEventListener("click", function () { setPaper(btn.getAttribute("data-print")); global.print(); });
    });
    global.addEventListener("resize", function () { map.invalidateSize({ pan: false }); });
    fit();
    return { fit: fit, setPaper: setPaper, before: before, after: after };
  };

  /* A map page (my area, city, area): panes in level order, the user's own areas drawn from
   * the page, everything else loaded for the visible area. */
  GM.page = function (map, layerControl, cfg) {
    GM.map = map;
    if (cfg.blank) map.getContainer().classList.add("gm-blank");
    (cfg.panes || []).forEach(function (p) {
      if (!map.getPane(p[0])) map.createPane(p[0]).style.zIndex = String(p[1]);
    });
    GM.scale(map, "bottomleft");
    (cfg.inline || []).forEach(function (spec) { GM.inlineAreas(map, layerControl, spec); });
    GM.fit = function () {
      if (cfg.fit) map.fitBounds(cfg.fit, { padding: [14, 14], animate: false, maxZoom: cfg.fitMaxZoom || 18 });
    };
    GM.fit();
    if (cfg.fit) {
      control("topleft", function () {
        var bar = el("div", "leaflet-bar leaflet-control gm-home");
        var a = el("a", null, "⌂");
        a.setAttribute("href", "#");
        a.setAttribute("role", "button");
        a.setAttribute("title", T("回到全图", "Back to the whole area"));
        a.setAttribute("aria-label", T("回到全图", "Back to the whole area"));
        L.DomEvent.on(a, "click", function (e) { L.DomEvent.preventDefault(e); L.DomEvent.stopPropagation(e); GM.fit(); });
        bar.appendChild(a);
        return bar;
      }).addTo(map);
    }
    if (cfg.legend) GM.setChoroplethLegend(map, cfg.legend);
    return GM.viewport(map, layerControl, cfg);
  };

  /* Everything a floor plan adds to the folium map: labels, north arrow, scale, print. */
  GM.floorPlan = function (map, cfg) {
    GM.map = map;
    if (cfg.blank) map.getContainer().classList.add("gm-blank");
    else if (cfg.background) map.getContainer().style.background = cfg.background;
    GM.floorLabels(map, { features: (cfg.labels || []).map(function (p) { return { properties: p }; }) });
    GM.northArrow(map, "topright");
    GM.scale(map, "bottomleft");
    GM.plan = GM.printable(map, L.latLngBounds(cfg.bounds), { paper: cfg.paper });
    return GM.plan;
  };

  global.GridMap = GM;
})(window);
