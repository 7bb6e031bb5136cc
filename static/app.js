// delivery: keep focus sensible after htmx swaps, for keyboard and screen-reader users,
// and show upload progress on forms that ask for it (data-progress="#progress-element").
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  // An outerHTML swap replaced the target itself: look at its successor of the same id.
  if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
  if (!target || target.id === "counts" || target.hasAttribute("data-keep-focus")) return;
  // Polling fragments replace themselves every second: never steal focus for those.
  if (event.detail.requestConfig && event.detail.requestConfig.triggeringEvent &&
      event.detail.requestConfig.triggeringEvent.type === "every") return;
  // In order of use: the first field to fix, a field asking for focus, a message, a heading.
  var selectors = ["[aria-invalid='true']", "[autofocus]", "[role='alert']", "h1, h2", "[tabindex='-1']", "th[scope='row']"];
  var focus = null;
  for (var i = 0; i < selectors.length && !focus; i++) focus = target.querySelector(selectors[i]);
  if (focus) {
    if (!focus.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(focus.tagName)) {
      focus.setAttribute("tabindex", "-1");
    }
    focus.focus({ preventScroll: false });
  }
});

document.addEventListener("htmx:xhr:progress", function (event) {
  var form = event.target.closest ? event.target.closest("[data-progress]") : null;
  if (!form || !event.detail.lengthComputable) return;
  var bar = document.querySelector(form.getAttribute("data-progress"));
  if (bar) bar.value = Math.round((event.detail.loaded / event.detail.total) * 100);
});

document.addEventListener("htmx:beforeRequest", function (event) {
  var form = event.target.closest ? event.target.closest("[data-progress]") : null;
  var bar = form && document.querySelector(form.getAttribute("data-progress"));
  if (bar) bar.value = 0;
});
