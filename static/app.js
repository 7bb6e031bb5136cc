// delivery: keep focus sensible after htmx swaps, for keyboard and screen-reader users,
// and show upload progress on forms that ask for it (data-progress="#progress-element").

// Whether an htmx event belongs to a request of a polling element (hx-trigger="every ...").
function isPoll(event) {
  var detail = event.detail || {};
  var elt = detail.elt || (detail.requestConfig && detail.requestConfig.elt);
  return !!(elt && elt.getAttribute && /^\s*every\s/.test(elt.getAttribute("hx-trigger") || ""));
}

document.addEventListener("htmx:afterSwap", function (event) {
  var target = event.detail.target;
  // An outerHTML swap replaced the target itself: look at its successor of the same id.
  if (target && !target.isConnected && target.id) target = document.getElementById(target.id);
  if (!target || target.id === "counts" || target.hasAttribute("data-keep-focus")) return;
  // Polling fragments replace themselves every few seconds: never steal focus for those.
  if (isPoll(event)) return;
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

// A poll that brings back what is already shown changes nothing: skipping the swap keeps keyboard
// focus (and any open popover) where the user left it. Both sides go through the browser's parser,
// so equal markup compares equal; CSRF tokens differ on every response and are left out.
function comparable(html) {
  var parsed = document.createElement("template");
  parsed.innerHTML = html;
  parsed.content.querySelectorAll("input[name='csrf_token']").forEach(function (input) {
    input.removeAttribute("value");
  });
  return parsed.innerHTML;
}

document.addEventListener("htmx:beforeSwap", function (event) {
  if (!isPoll(event) || !event.detail.shouldSwap || typeof event.detail.serverResponse !== "string") return;
  if (comparable(event.detail.serverResponse) === comparable(event.detail.target.innerHTML)) {
    event.detail.shouldSwap = false;
  }
});

// The timeline's trip bars are <details>: one open at a time, and Esc closes it.
document.addEventListener("toggle", function (event) {
  var opened = event.target;
  if (!opened.matches || !opened.matches("details.tl-trip") || !opened.open) return;
  document.querySelectorAll("details.tl-trip[open]").forEach(function (other) {
    if (other !== opened) other.open = false;
  });
}, true);

document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") return;
  document.querySelectorAll("details.tl-trip[open]").forEach(function (trip) {
    trip.open = false;
    var summary = trip.querySelector("summary");
    if (summary && trip.contains(document.activeElement)) summary.focus();
  });
});

// The Content-Security-Policy allows no inline styles and no eval: positions arrive as data-left and
// data-width (percent) and are set here, on the page and on every swapped fragment; polls
// (hx-trigger="every ...") skip their request while the tab is hidden.
htmx.onLoad(function (content) {
  var placed = content.querySelectorAll ? content.querySelectorAll("[data-left]") : [];
  placed.forEach(function (element) {
    element.style.left = element.getAttribute("data-left") + "%";
    if (element.hasAttribute("data-width")) element.style.width = element.getAttribute("data-width") + "%";
  });
});

document.addEventListener("htmx:confirm", function (event) {
  if (document.visibilityState !== "visible" && isPoll(event)) event.preventDefault();
});
