// Flask-Admin's inline event handlers, moved here so /admin runs under a CSP without 'unsafe-inline'
// (templates/admin/ carries data attributes instead): confirm a delete, run a list action, and keep
// the "Add Filter" links and the javascript:void(0) tabs from following their href.
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target : event.target.parentElement;
  var confirmed = target.closest("[data-confirm]");
  if (confirmed && !window.confirm(confirmed.getAttribute("data-confirm"))) {
    event.preventDefault();
    return;
  }
  var action = target.closest("[data-model-action]");
  if (action) {
    event.preventDefault();
    window.modelActions.execute(action.getAttribute("data-model-action"));
    return;
  }
  if (target.closest("a.filter, a[href^='javascript:']")) event.preventDefault();
}, true);  // capture: Bootstrap's dropdown toggles stop the click's propagation
