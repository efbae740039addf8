// A demand's place on its page (/demands/{id}): the point and the outline of the demand's area,
// with no basemap (the page must not call out to a tile server).
(function () {
  "use strict";
  // a building drawn as a point gets a ring, not Leaflet's image marker
  var OUTLINE = { style: { color: "#1565c0", weight: 2, fillOpacity: .05 }, interactive: false,
    pointToLayer: function (f, at) { return L.circleMarker(at, { radius: 12, color: "#1565c0", fillOpacity: .05 }); } };
  var box = document.getElementById("place-map");
  if (!box || !window.L) return;
  var here = L.latLng(+box.dataset.lat, +box.dataset.lon);
  box.hidden = false;
  var map = L.map(box, { attributionControl: false }).setView(here, 17);
  fetch("/api/v1/areas/" + encodeURIComponent(box.dataset.area), { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (g) {
      if (!g) return;
      var l = L.geoJSON(g, OUTLINE)
        .addTo(map);
      map.fitBounds(l.getBounds().extend(here).pad(0.05), { maxZoom: 17 });
    });
  L.circleMarker(here, { radius: 8, color: "#c62828", fillOpacity: .8 }).bindTooltip(box.dataset.place).addTo(map);
})();
