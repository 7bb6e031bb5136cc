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

// Markup carries positions as data attributes (no inline styles: the pages' CSP forbids them);
// the timeline's bars, hours and the line for now are placed here.
function placeBars(root) {
  if (!root || !root.querySelectorAll) return;
  root.querySelectorAll("[data-left]").forEach(function (el) {
    el.style.left = el.getAttribute("data-left") + "%";
    if (el.hasAttribute("data-width")) el.style.width = el.getAttribute("data-width") + "%";
  });
}

// A table that scrolls sideways inside its box can be scrolled with the keyboard too.
function scrollableTables(root) {
  if (!root || !root.querySelectorAll) return;
  root.querySelectorAll(".table-wrap").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth + 1 && !box.hasAttribute("tabindex")) {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", caption ? caption.textContent.trim() : document.title);
    }
  });
}

// The districts' checkboxes get a filter box once they are many.
function districtPickers(root) {
  if (!root || !root.querySelectorAll) return;
  root.querySelectorAll("[data-picker]").forEach(function (picker) {
    var box = picker.querySelector(".picker-filter");
    var options = picker.querySelectorAll(".picker-options label[data-name]");
    if (!box || options.length <= 8 || box.dataset.ready) return;
    box.hidden = false;
    box.dataset.ready = "1";
    box.addEventListener("input", function () {
      var wanted = box.value.trim().toLowerCase();
      options.forEach(function (label) {
        var checked = label.querySelector("input").checked;
        label.hidden = !!wanted && !checked && label.getAttribute("data-name").indexOf(wanted) === -1;
      });
    });
  });
}

function enhance(root) {
  placeBars(root);
  scrollableTables(root);
  districtPickers(root);
}

document.addEventListener("DOMContentLoaded", function () { enhance(document); });
document.addEventListener("htmx:load", function (event) { enhance(event.detail.elt); });

// Paging with "Next →" or "← Previous" keeps the keyboard on the pager: the same link on the new page,
// else the other one, else the page count.
var pagerUsed = null;
document.addEventListener("htmx:beforeRequest", function (event) {
  var elt = event.detail.elt;
  pagerUsed = elt && elt.getAttribute && elt.getAttribute("data-pager");
});
document.addEventListener("htmx:afterSwap", function (event) {
  if (!pagerUsed) return;
  var target = event.detail.target;
  var used = pagerUsed;
  pagerUsed = null;
  var pager = target && target.querySelector(".pager");
  if (!pager) return;
  var focus = pager.querySelector("[data-pager='" + used + "']") || pager.querySelector("[data-pager]");
  if (!focus) {
    focus = pager.querySelector("[aria-live]");
    if (focus) focus.setAttribute("tabindex", "-1");
  }
  if (focus) focus.focus();
});

// Polls (hx-trigger="every ...") skip their request while the tab is hidden (no eval in hx-trigger: CSP).
document.addEventListener("htmx:confirm", function (event) {
  if (document.visibilityState !== "visible" && isPoll(event)) event.preventDefault();
});
