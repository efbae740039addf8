// Where a new demand takes place (/demands/new). The server renders two selects that work without
// JS: a street or community (#area) and, optionally, a grid, group or building inside it
// (#within; without JS the "list its grids" button reloads it). Here: choosing the first loads the
// second from /api/v1/areas?under= (only that community's areas, however large the scope), the
// name path and code under the choice follow it, and a small map of the chosen area takes a tap
// as the demand's point (the form's hidden lon/lat; the server checks it lies in the area).
// Choosing a building makes the demand the building's: the server places it inside the building.
(function () {
  "use strict";
  var LEVELS = ["city", "district", "street", "community", "grid", "group", "building"];
  // a building drawn as a point gets a ring, not Leaflet's image marker
  var OUTLINE = { style: { color: "#1565c0", weight: 2, fillOpacity: .05 }, interactive: false,
    pointToLayer: function (f, at) { return L.circleMarker(at, { radius: 12, color: "#1565c0", fillOpacity: .05 }); } };
  var CONTEXT = { style: { color: "#78909c", weight: 1, dashArray: "4 4", fillOpacity: 0 }, interactive: false };
  var where = document.querySelector("[data-where]");
  if (!where) return;
  var form = where.closest("form");
  var top = form.elements.area, within = form.elements.within;
  var row = where.querySelector("[data-within-row]");
  var chain = where.querySelector("[data-chain]");
  var refine = where.querySelector("[data-refine]");
  // the live list replaces the no-JS button (and Enter in a field must publish, not refine)
  if (refine) refine.parentNode.removeChild(refine);
  var features = {};  // code -> GeoJSON feature of the areas inside the first choice
  var topFeature = null;
  var asked = 0;      // answers to an earlier choice are dropped

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; });
  }

  function topOption() { return top.options[top.selectedIndex] || null; }

  function add(parent, code, text) {
    var o = new Option(text, code);
    parent.appendChild(o);
    return o;
  }

  function fill(list, keep) {
    while (within.firstChild) within.removeChild(within.firstChild);
    add(within, "", within.dataset.empty);
    var t = topOption(), base = LEVELS.indexOf(t ? t.dataset.level : "community"), group = null;
    var parents = {};
    list.forEach(function (f) { parents[f.properties.parent] = true; });
    list.forEach(function (f) {
      var p = f.properties, depth = LEVELS.indexOf(p.level) - base;
      if (depth === 1 && parents[p.code]) {
        group = document.createElement("optgroup");
        group.label = p.name;
        within.appendChild(group);
        add(group, p.code, p.name + "(" + (p.level === "grid" ? within.dataset.wholeGrid : within.dataset.wholeGroup) + ")");
      } else if (depth === 1) {
        group = null;
        add(within, p.code, p.name);
      } else {
        add(group || within, p.code, new Array(4 * Math.max(0, depth - 2) + 1).join("\u00a0") + p.name);
      }
    });
    within.value = features[keep] ? keep : "";
    row.hidden = list.length === 0;
  }

  function path(code) {
    var names = [], f = features[code];
    while (f) { names.unshift(f.properties.name); f = features[f.properties.parent]; }
    var t = topOption();
    if (t && t.value) names.unshift(t.dataset.name);
    return names;
  }

  function showChain() {
    var code = within.value || top.value;
    chain.textContent = "";
    if (!code) return;
    path(within.value).forEach(function (name, i) {
      if (i) chain.appendChild(document.createTextNode(" › "));
      var span = document.createElement("span");
      span.className = "name";
      span.textContent = name;
      chain.appendChild(span);
    });
    var small = document.createElement("span");
    small.className = "code";
    small.textContent = within.dataset.codeWord + " " + code;
    chain.appendChild(document.createTextNode(" "));
    chain.appendChild(small);
  }

  // the map: optional (no Leaflet, no map; the area stands for the place)
  var root = document.querySelector("[data-picker]");
  var map = null, outline = null, marker = null, lon = form.elements.lon, lat = form.elements.lat, status = null;
  if (root && window.L) {
    status = root.querySelector("[data-picker-status]");
    var box = root.querySelector("#picker-map");
    box.hidden = false;
    // no basemap: the page must not call out to a tile server; the area's outline is the reference
    map = L.map(box, { attributionControl: false }).setView([35.07, 109.07], 13);
    outline = L.featureGroup().addTo(map);
    map.on("click", function (e) { pick(e.latlng); });
  }

  function show(latlng, label) {
    if (!map) return;
    if (!marker) marker = L.circleMarker(latlng, { radius: 8, color: "#c62828", fillOpacity: .8 }).addTo(map);
    marker.setLatLng(latlng);
    status.textContent = root.dataset.picked + ":" + label;
  }

  function unpick() {
    lon.value = "";
    lat.value = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    if (status) status.textContent = "";
  }

  function draw() {
    if (!map) return;
    var f = features[within.value] || topFeature;
    outline.clearLayers();
    if (!f) return;
    var chosen = L.geoJSON(f, OUTLINE).addTo(outline);
    // the first choice stays as a faint reference around a grid or building inside it
    if (f !== topFeature && topFeature) L.geoJSON(topFeature, CONTEXT).addTo(outline);
    map.fitBounds(chosen.getBounds().pad(f.geometry.type === "Point" ? 0 : 0.05), { maxZoom: 17 });
  }

  function isBuilding(code) { return !!features[code] && features[code].properties.level === "building"; }

  function pick(latlng) {
    // a tap is a point of the chosen area; a building is a point itself, so the tap goes back
    // to the whole first choice (the server checks the point lies in whatever is chosen)
    if (isBuilding(within.value)) { within.value = ""; draw(); showChain(); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    show(latlng, lon.value + ", " + lat.value);
  }

  function load(keep, first) {
    var t = topOption(), mine = ++asked;
    features = {};
    topFeature = null;
    if (!first) {  // the server's list stays until the new one arrives on the first load
      fill([], "");
      draw();
      showChain();
    }
    if (!t || !t.value) return;
    json("/api/v1/areas/" + encodeURIComponent(t.value)).then(function (g) {
      if (mine !== asked || !g) return;
      topFeature = g;
      draw();
    });
    if (t.dataset.level === "street") return;  // its communities are first choices themselves
    json("/api/v1/areas?zoom=15&under=" + encodeURIComponent(t.value)).then(function (fc) {
      if (mine !== asked || !fc) return;
      fc.features.forEach(function (f) { features[f.properties.code] = f; });
      fill(fc.features, keep);
      draw();
      showChain();
      if (isBuilding(within.value)) markBuilding();
    });
  }

  function markBuilding() {
    if (!map) return;
    var b = L.geoJSON(features[within.value]).getBounds().getCenter();
    show(b, features[within.value].properties.name);
  }

  top.addEventListener("change", function () { unpick(); load(""); });
  within.addEventListener("change", function () {
    unpick();
    draw();
    showChain();
    if (isBuilding(within.value)) markBuilding();
  });
  if (map && navigator.geolocation) {
    var locate = root.querySelector("[data-picker-locate]");
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = root.dataset.wait;
      navigator.geolocation.getCurrentPosition(function (pos) {
        var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
        pick(here);
        map.panTo(here);
      }, function (err) {
        status.textContent = root.dataset.failed + (err.message ? ":" + err.message : "");
      }, { enableHighAccuracy: true, timeout: 15000 });
    });
  }
  load(within.value, true);
  if (map && lon.value && lat.value) show(L.latLng(+lat.value, +lon.value), lon.value + ", " + lat.value);
})();
