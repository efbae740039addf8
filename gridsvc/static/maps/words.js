// Leaflet's own words (zoom buttons, layer switcher, attribution prefix, popup close) in the
// page's language. Loaded right after leaflet.js and before any map is made; the words come from
// this element's data- attributes (templates/maps/_words.html), translated on the server.
(function () {
  var el = document.currentScript;
  if (!el || !window.L) return;
  var w = el.dataset;
  L.Control.Zoom.mergeOptions({ zoomInTitle: w.zoomIn, zoomOutTitle: w.zoomOut });
  var a = document.createElement("a");
  a.href = "https://leafletjs.com";
  a.title = w.leafletTitle;
  a.textContent = "Leaflet";
  L.Control.Attribution.mergeOptions({ prefix: a.outerHTML });
  var layersLayout = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.include({
    _initLayout: function () {
      layersLayout.call(this);
      if (this._layersLink) {
        this._layersLink.title = w.layers;
        this._layersLink.setAttribute("aria-label", w.layers);
      }
    }
  });
  var popupLayout = L.Popup.prototype._initLayout;
  L.Popup.include({
    _initLayout: function () {
      popupLayout.call(this);
      var close = this._container && this._container.querySelector(".leaflet-popup-close-button");
      if (close) close.setAttribute("aria-label", w.closePopup);
    }
  });
})();
