// Behaviour the pages used to declare in inline handlers (onchange=, onclick=), which the
// Content-Security-Policy forbids: a select that submits its form, a button that prints.
document.addEventListener("change", function (e) {
  var el = e.target;
  if (el.matches && el.matches("select[data-autosubmit]") && el.form) el.form.submit();
});
document.addEventListener("click", function (e) {
  var el = e.target.closest ? e.target.closest("[data-action=print]") : null;
  if (el) window.print();
});
