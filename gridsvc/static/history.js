/* The boundary history page: draws one version solid and the one before it dashed, on the
 * vendored Leaflet with no basemap (nothing leaves the server). Data: #hist-data, oldest first. */
(function () {
  "use strict";
  var el = document.getElementById("hist-map");
  var data = JSON.parse(document.getElementById("hist-data").textContent);
  if (!el || !window.L || !data.length) return;
  var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
  var drawn = L.featureGroup().addTo(map);

  function show(i) {
    drawn.clearLayers();
    if (i > 0) L.geoJSON(data[i - 1].geometry, { style: { color: "#b3261e", weight: 2, dashArray: "6 5", fill: false } }).addTo(drawn);
    L.geoJSON(data[i].geometry, { style: { color: "#1a5fb4", weight: 3, fillOpacity: 0.12 } }).addTo(drawn);
    map.fitBounds(drawn.getBounds(), { padding: [16, 16] });
    document.querySelectorAll(".hist-version").forEach(function (card) {
      card.classList.toggle("on", Number(card.getAttribute("data-version")) === i);
    });
  }

  document.querySelectorAll("[data-show-version]").forEach(function (b) {
    b.addEventListener("click", function () {
      show(Number(b.getAttribute("data-show-version")));
      el.scrollIntoView({ behavior: "smooth", block: "nearest" });
    });
  });
  show(data.length - 1);
})();
