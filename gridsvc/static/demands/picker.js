// The place of a new demand (/demands/new): a small map of the publisher's area where a click or
// tap sets the point (the form's hidden lon/lat), "use my location", and a list of the area's
// buildings (choosing one makes the demand the building's; the server takes a point inside it).
// Without JS (or Leaflet) the form keeps working: no point is sent and the area stands for it.
(function () {
  "use strict";
  // a building drawn as a point gets a ring, not Leaflet's image marker
  var OUTLINE = { style: { color: "#1565c0", weight: 2, fillOpacity: .05 }, interactive: false,
    pointToLayer: function (f, at) { return L.circleMarker(at, { radius: 12, color: "#1565c0", fillOpacity: .05 }); } };
  var root = document.querySelector("[data-picker]");
  if (!root || !window.L) return;
  var form = root.closest("form");
  var lon = form.elements.lon, lat = form.elements.lat, area = form.elements.area;
  var status = root.querySelector("[data-picker-status]");
  var select = root.querySelector("#building");
  var row = root.querySelector("[data-building-row]");
  var locate = root.querySelector("[data-picker-locate]");
  var box = root.querySelector("#picker-map");
  var home = root.dataset.area || area.value;
  var names = {}, centres = {};
  box.hidden = false;
  // no basemap: the page must not call out to a tile server; the area's outline is the reference
  var map = L.map(box, { attributionControl: false }).setView([35.07, 109.07], 13);
  var outline = L.featureGroup().addTo(map);
  var marker = null;

  function show(latlng, label) {
    if (!marker) marker = L.circleMarker(latlng, { radius: 8, color: "#c62828", fillOpacity: .8 }).addTo(map);
    marker.setLatLng(latlng);
    status.textContent = root.dataset.picked + ":" + label;
  }

  function pick(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    area.value = home;
    select.value = "";
    show(latlng, lon.value + ", " + lat.value);
  }

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : null; });
  }

  function load(code) {
    outline.clearLayers();
    while (select.options.length > 1) select.remove(1);
    row.hidden = true;
    if (!code) return;
    json("/api/v1/areas/" + encodeURIComponent(code)).then(function (g) {
      if (!g) return;
      L.geoJSON(g, OUTLINE).addTo(outline);
      map.fitBounds(outline.getBounds().pad(0.05), { maxZoom: 17 });
    });
    json("/api/v1/areas?level=building&under=" + encodeURIComponent(code)).then(function (fc) {
      if (!fc || !fc.features.length) return;
      fc.features.forEach(function (f) {
        var p = f.properties, layer = L.geoJSON(f);
        names[p.code] = p.name;
        centres[p.code] = layer.getBounds().getCenter();
        select.add(new Option(p.name, p.code));
      });
      row.hidden = false;
    });
  }

  map.on("click", function (e) { pick(e.latlng); });
  select.addEventListener("change", function () {
    var code = select.value;
    // a building: the demand is the building's and the server places it inside the building
    area.value = code || home;
    lon.value = "";
    lat.value = "";
    if (code) show(centres[code], names[code]);
    else if (marker) { map.removeLayer(marker); marker = null; status.textContent = ""; }
  });
  area.addEventListener("change", function () {
    if (area.value === home || names[area.value]) return;
    home = area.value;
    lon.value = "";
    lat.value = "";
    status.textContent = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    load(home);
  });
  if (navigator.geolocation) {
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
  if (lon.value && lat.value) show(L.latLng(+lat.value, +lon.value), lon.value + ", " + lat.value);
  load(home);
})();
