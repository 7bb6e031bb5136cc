// delivery: keep focus sensible after htmx swaps, for keyboard and screen-reader users.
document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  if (!target || target.id === "counts" || target.hasAttribute("data-keep-focus")) return;
  var focus = target.querySelector("[autofocus], [aria-invalid='true'], h1, h2");
  if (focus) {
    if (!focus.hasAttribute("tabindex") && !/^(INPUT|SELECT|TEXTAREA|BUTTON|A)$/.test(focus.tagName)) {
      focus.setAttribute("tabindex", "-1");
    }
    focus.focus({ preventScroll: false });
  }
});
