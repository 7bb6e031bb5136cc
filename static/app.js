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

// Times arrive in UTC as <time datetime="...Z">; they are shown in the browser's time zone, with its
// name ("30.11, 13:31 GMT+5"), in the page's language; the full date is the tooltip.
var shortTime = null, fullTime = null;
function localTime(el) {
  if (typeof Intl === "undefined") return;
  if (!shortTime) {
    var lang = document.documentElement.lang || undefined;
    shortTime = new Intl.DateTimeFormat(lang, { day: "2-digit", month: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    fullTime = new Intl.DateTimeFormat(lang, { dateStyle: "full", timeStyle: "long" });
  }
  var moment = new Date(el.getAttribute("datetime"));
  if (isNaN(moment)) return;
  el.textContent = shortTime.format(moment);
  el.title = fullTime.format(moment);
}
function localTimes(root) {
  if (root && root.querySelectorAll) root.querySelectorAll("time[data-local]").forEach(localTime);
}

function enhance(root) {
  localTimes(root);
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

// Live regions (data-live) poll every second (hx-trigger "every 1s"); the server answers 304 while
// nothing changed. Polls pause while the tab is hidden.
document.addEventListener("htmx:confirm", function (event) {
  if (isPoll(event) && document.visibilityState !== "visible") event.preventDefault();
});

// Each region swaps with idiomorph's morph (hx-ext="morph" hx-swap="morph:innerHTML"): the page's DOM
// is brought to the server's markup in place, node by node, so the elements the dispatcher is using
// stay the same elements and keep focus, scroll and selection. Morph makes every attribute equal to
// the markup's, so the few the browser adds on top are kept here by refusing their update or removal:
// - style: placeBars() sets positions through CSSOM; markup never carries one (the CSP forbids it);
// - open on a <details>: a trip (or the idle couriers) the dispatcher opened;
// - checked on a row's box (input[data-select]): the ticks waiting for a bulk action;
// - class while a row is marked fresh (3 s);
// - tabindex, role and aria-label that scrollableTables() gives a box that scrolls.
// A <time> localised in place (localTimes) is left as it is while its moment is the same.
function keptHere(name, el) {
  return name === "style" || (name === "open" && el.tagName === "DETAILS") ||
    (name === "checked" && el.hasAttribute("data-select")) ||
    (name === "class" && el.classList.contains("row-fresh")) ||
    (/^(tabindex|role|aria-label)$/.test(name) && el.classList.contains("table-wrap"));
}

// A refresh of the region itself (a poll, or an action's event) marks the rows (tr[id]) it added or
// changed for a moment. Morph has no notion of a changed row: its callbacks report each node added,
// each text changed and each attribute updated, and those are gathered by row while it runs.
var morphTouched = null;  // rows touched by the morph under way
function touched(node) {
  var el = node.nodeType === 1 ? node : node.parentElement;
  var row = el && el.closest("tr[id]");
  if (row && morphTouched) morphTouched.push(row);
}

Idiomorph.defaults.callbacks.beforeAttributeUpdated = function (name, el) {
  if (keptHere(name, el)) return false;
  if (!(name === "value" && el.name === "csrf_token")) touched(el);  // a new token on every render
};
Idiomorph.defaults.callbacks.beforeNodeMorphed = function (old, incoming) {
  if (old.nodeType === 3 && old.nodeValue !== incoming.nodeValue) touched(old);
  if (old.nodeType === 1 && old.matches("time[data-local]") &&
      old.getAttribute("datetime") === incoming.getAttribute("datetime")) return false;
};
Idiomorph.defaults.callbacks.afterNodeMorphed = function (old) {
  if (old.nodeType === 1 && old.matches("time[data-local]")) localTime(old);  // a new moment
};
Idiomorph.defaults.callbacks.afterNodeAdded = function (node) {
  touched(node);
  if (node.nodeType !== 1) return;  // times localised before the next paint, not once htmx settles
  if (node.matches("time[data-local]")) localTime(node);
  else localTimes(node);
};

document.addEventListener("htmx:beforeSwap", function (event) {
  var target = event.detail.target;
  morphTouched = target && target.hasAttribute && target.hasAttribute("data-live") ? [] : null;
});
document.addEventListener("htmx:afterSwap", function (event) {
  var rows = morphTouched;
  var config = event.detail.requestConfig;
  morphTouched = null;
  if (!rows || !config || config.elt !== event.detail.target) return;  // a filter or a pager: no news
  rows.forEach(function (row) {
    if (!row.isConnected || row.classList.contains("row-fresh")) return;
    row.classList.add("row-fresh");
    setTimeout(function () { row.classList.remove("row-fresh"); }, 3000);
  });
});

// Failures speak. A request that fails (an error status htmx does not swap, a network error, a
// timeout) is announced in #request-alert with Retry; a filter form goes back to what the table
// shows. While a request is in flight its button is disabled and busy. A form's own validation
// (422, 409) is swapped in place by htmx and never comes here.
function formValues(form) {
  var values = [];
  form.querySelectorAll("input, select, textarea").forEach(function (field) {
    if (field.type === "file" || field.name === "csrf_token") return;
    values.push([field, field.type === "checkbox" || field.type === "radio" ? field.checked : field.value]);
  });
  return values;
}
function restoreValues(values) {
  values.forEach(function (pair) {
    if (pair[0].type === "checkbox" || pair[0].type === "radio") pair[0].checked = pair[1];
    else pair[0].value = pair[1];
  });
}
function shownFilters(root) {
  root.querySelectorAll("form[hx-get]").forEach(function (form) { form._shown = formValues(form); });
}
document.addEventListener("DOMContentLoaded", function () { shownFilters(document); });
document.addEventListener("htmx:load", function (event) { if (event.detail.elt.querySelectorAll) shownFilters(event.detail.elt); });

var failed = null;  // what Retry sends again: {elt, values, type}

function sourceOf(event) {
  var detail = event.detail || {};
  return detail.elt || (detail.requestConfig && detail.requestConfig.elt);
}

function showAlert(kind, code, retry) {
  var box = document.getElementById("request-alert");
  if (!box) return;
  box.querySelector(".request-alert-text").textContent = (box.getAttribute("data-" + kind) || "").replace("{code}", code || "");
  box.querySelector("[data-retry]").hidden = !retry;
  box.hidden = false;
}
function hideAlert(kind) {
  var box = document.getElementById("request-alert");
  if (box && !box.hidden && (!kind || box.getAttribute("data-kind") === kind)) box.hidden = true;
}

function requestFailed(event, kind) {
  var elt = sourceOf(event);
  var xhr = event.detail && event.detail.xhr;
  var code = xhr && xhr.status;
  var box = document.getElementById("request-alert");
  if (isPoll(event)) {
    // A poll tries again by itself each second: one quiet notice, cleared by the next success.
    showAlert("live-failed", code, false);
    if (box) box.setAttribute("data-kind", "live");
    return;
  }
  var form = elt && (elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form"));
  var attempted = form ? form._attempted : null;
  if (form && form.hasAttribute("hx-get") && form._shown) restoreValues(form._shown);  // what the table shows
  var trigger = event.detail.requestConfig && event.detail.requestConfig.triggeringEvent;
  failed = { elt: elt, values: attempted, type: (trigger && trigger.type) || (form ? "submit" : "click") };
  if (kind === "server") kind = code >= 500 ? "server" : "refused";
  showAlert(kind, code, code !== 403);
  if (box) box.setAttribute("data-kind", "request");
}

document.addEventListener("htmx:responseError", function (event) { requestFailed(event, "server"); });
document.addEventListener("htmx:sendError", function (event) { requestFailed(event, "network"); });
document.addEventListener("htmx:timeout", function (event) { requestFailed(event, "timeout"); });

document.addEventListener("click", function (event) {
  var box = document.getElementById("request-alert");
  if (!box || !box.contains(event.target)) return;
  if (event.target.closest("[data-dismiss]")) { box.hidden = true; return; }
  if (event.target.closest("[data-retry]") && failed) {
    var again = failed;
    failed = null;
    box.hidden = true;
    if (again.values) restoreValues(again.values);
    if (again.elt && again.elt.isConnected) {
      var form = again.elt.tagName === "FORM" ? again.elt : null;
      if (form && again.type === "submit") htmx.trigger(form, "submit");
      else htmx.trigger(again.elt, again.type === "change" ? "change" : again.type);
    }
  }
});

document.addEventListener("htmx:beforeRequest", function (event) {
  if (isPoll(event)) return;
  var elt = sourceOf(event);
  if (!elt) return;
  var form = elt.tagName === "FORM" ? elt : elt.closest && elt.closest("form");
  if (form) form._attempted = formValues(form);
  var buttons = form ? form.querySelectorAll("button[type='submit'], button:not([type])") : (elt.tagName === "BUTTON" ? [elt] : []);
  buttons.forEach(function (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  });
  elt._busyButtons = buttons;
  // The region being replaced says it is loading too (a filter, a pager link); a single row does not.
  var target = event.detail.target;
  if (target && target.tagName !== "TR" && target.hasAttribute("data-live")) {
    target.setAttribute("aria-busy", "true");
    elt._busyTarget = target;
  }
});

document.addEventListener("htmx:afterRequest", function (event) {
  var elt = sourceOf(event);
  if (elt && elt._busyButtons) {
    elt._busyButtons.forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
    elt._busyButtons = null;
  }
  if (elt && elt._busyTarget) {
    elt._busyTarget.removeAttribute("aria-busy");
    elt._busyTarget = null;
  }
  if (event.detail.successful) {
    var box = document.getElementById("request-alert");
    if (box && !box.hidden && (isPoll(event) ? box.getAttribute("data-kind") === "live" : true)) box.hidden = true;
    var form = elt && elt.tagName === "FORM" && elt.hasAttribute("hx-get") ? elt : null;
    if (form) form._shown = formValues(form);
  }
});

// A bulk action that went through clears the ticks it acted on (the table refreshes by itself).
document.addEventListener("htmx:afterRequest", function (event) {
  var form = sourceOf(event);
  if (!form || !form.classList || !form.classList.contains("bulk") || !event.detail.successful) return;
  document.querySelectorAll("input[data-select][form='" + form.id + "']").forEach(function (box) { box.checked = false; });
});
