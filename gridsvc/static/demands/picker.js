// Where a new demand takes place (/demands/new). The server renders two selects that work without
// JS: a street or community (#area) and, optionally, a grid, group or building inside it
// (#within; without JS the "list its grids" button reloads it). Here: choosing the first lists the
// second from /api/v1/areas?under= (that community's areas only, however large the scope); the
// name path and code under the choice follow it; a small map shows the chosen area (one
// /api/v1/areas/{code} each, kept) and takes a tap as the demand's point (the form's hidden
// lon/lat; the server checks it lies in the area). Choosing a building makes the demand the
// building's: the server places it inside the building.
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
  var areas = {};  // code -> its GeoJSON feature (with its ancestors when asked for alone)
  var asked = 0;   // answers to an earlier choice are dropped

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; });
  }

  function area(code) {
    if (areas[code] && areas[code].properties.ancestors) return Promise.resolve(areas[code]);
    return json("/api/v1/areas/" + encodeURIComponent(code)).then(function (f) {
      if (f) areas[code] = f;
      return f;
    });
  }

  function topOption() { return top.options[top.selectedIndex] || null; }

  function add(parent, code, text) {
    parent.appendChild(new Option(text, code));
  }

  function fill(list) {
    while (within.firstChild) within.removeChild(within.firstChild);
    add(within, "", within.dataset.empty);
    var t = topOption(), base = LEVELS.indexOf(t ? t.dataset.level : "community"), group = null, parents = {};
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
    within.value = "";
    row.hidden = list.length === 0;
  }

  function showChain(f) {
    chain.textContent = "";
    if (!f) return;
    // from the community down, as the server writes it
    var names = (f.properties.ancestors || []).filter(function (a) {
      return LEVELS.indexOf(a.level) > LEVELS.indexOf("street");
    }).map(function (a) { return a.name; });
    names.push(f.properties.name);
    names.forEach(function (name, i) {
      if (i) chain.appendChild(document.createTextNode(" › "));
      var span = document.createElement("span");
      span.className = "name";
      span.textContent = name;
      chain.appendChild(span);
    });
    var small = document.createElement("span");
    small.className = "code";
    small.textContent = within.dataset.codeWord + " " + f.properties.code;
    chain.appendChild(document.createTextNode(" "));
    chain.appendChild(small);
  }

  // the map: optional (no Leaflet, no map; the area stands for the place)
  var root = document.querySelector("[data-picker]");
  var map = null, outline = null, marker = null, status = null;
  var lon = form.elements.lon, lat = form.elements.lat;
  if (root && window.L) {
    status = root.querySelector("[data-picker-status]");
    var box = root.querySelector("#picker-map");
    root.hidden = false;
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
    status.textContent = root.dataset.picked + label;  // "已选位置:" / "Place picked: "
  }

  function unpick() {
    lon.value = "";
    lat.value = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    if (status) status.textContent = "";
  }

  var building = false;  // the area shown is a building (a point)

  // the chosen area (the grid, group or building, else the first choice) on the map and under
  // the selects; the first choice stays as a faint reference around one inside it
  function showChosen(keepPoint) {
    var mine = ++asked, code = within.value || top.value, topCode = top.value;
    building = false;
    if (!keepPoint) unpick();
    if (!code) { showChain(null); if (outline) outline.clearLayers(); return; }
    Promise.all([area(code), code === topCode ? null : area(topCode)]).then(function (got) {
      var f = got[0], around = got[1];
      if (mine !== asked || !f) return;
      showChain(f);
      building = f.properties.level === "building";
      if (!map) return;
      outline.clearLayers();
      var chosen = L.geoJSON(f, OUTLINE).addTo(outline);
      var ring = around ? L.geoJSON(around, CONTEXT).addTo(outline) : null;
      // a building is a point: shown inside its community rather than alone at the closest zoom
      map.fitBounds((building && ring ? ring : chosen).getBounds().pad(0.05), { maxZoom: 17, animate: false });
      if (building && !lon.value) show(chosen.getBounds().getCenter(), f.properties.name);
    });
  }

  function pick(latlng) {
    // a tap is a point of the chosen area; a building is a point itself, so the tap goes back
    // to the whole first choice (the server checks the point lies in whatever is chosen)
    if (building) { within.value = ""; showChosen(false); }
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    show(latlng, lon.value + ", " + lat.value);
  }

  top.addEventListener("change", function () {
    fill([]);
    showChosen(false);
    var t = topOption(), mine = asked;
    if (!t || !t.value || t.dataset.level === "street") return;  // a street's communities are first choices
    json("/api/v1/areas?zoom=15&under=" + encodeURIComponent(t.value)).then(function (fc) {
      if (mine !== asked || !fc) return;
      fc.features.forEach(function (f) { areas[f.properties.code] = areas[f.properties.code] || f; });
      fill(fc.features);
    });
  });
  within.addEventListener("change", function () { showChosen(false); });
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
  // the page as the server sent it (after a refusal: the choice and the point as typed)
  if (map && lon.value && lat.value) show(L.latLng(+lat.value, +lon.value), lon.value + ", " + lat.value);
  showChosen(true);
})();
