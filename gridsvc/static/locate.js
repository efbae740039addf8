// "Use my location" on the home page: the browser's geolocation fills the form and sends it,
// so the answer is the same page a typed position gives. Hidden where geolocation is missing.
(function () {
  "use strict";
  var button = document.querySelector("[data-geolocate]");
  var status = document.querySelector("[data-geolocate-status]");
  if (!button || !navigator.geolocation) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.wait || "\u5b9a\u4f4d\u4e2d\u2026";
    navigator.geolocation.getCurrentPosition(function (pos) {
      var form = button.form;
      form.elements.lon.value = pos.coords.longitude.toFixed(6);
      form.elements.lat.value = pos.coords.latitude.toFixed(6);
      form.submit();
    }, function (err) {
      status.textContent = err.message || "\u65e0\u6cd5\u83b7\u53d6\u4f4d\u7f6e";
    }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
