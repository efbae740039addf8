// The registry form: check the unified social credit code (GB 32100) as it is typed, against
// the API's check (/api/v1/orgs/check-code), so the official sees a wrong character before sending.
(function () {
  "use strict";
  var input = document.querySelector("input[data-credit-code]");
  var out = document.getElementById("credit_code_check");
  if (!input || !out) return;
  var timer = null;
  var seq = 0;
  function show(text, bad) {
    out.textContent = text;
    out.className = "meta code-check" + (bad ? " warn" : "");
  }
  function check() {
    var code = input.value.trim().toUpperCase();
    if (code.length < 18) { show(code ? code.length + " / 18" : "", false); return; }
    var mine = ++seq;
    fetch("/api/v1/orgs/check-code?code=" + encodeURIComponent(code), { credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (mine !== seq) return;
        if (!res.ok) { show(res.body.error ? res.body.error.message : String(res.body), true); return; }
        if (res.body.registered_org) { show(out.dataset.taken || "\u5df2\u767b\u8bb0", true); return; }
        show("\u2713 " + (out.dataset.ok || "\u4ee3\u7801\u6709\u6548"), false);
      })
      .catch(function () { /* offline: the server checks again on submit */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 250);
  });
})();
