// Autosave around htmx on the registration and self-assessment forms: shows each field's state, retries a
// save that did not reach the server, and keeps unsaved text in localStorage so a
// closed tab or a dropped connection loses nothing. The page works without it (the
// submit button posts every field).
(function () {
  "use strict";

  var RETRY_MS = 5000;

  // The page's language: the form carries its texts (data-text-saving, …).
  function text(field, name) {
    var form = field.closest("[data-autosave-form]");
    return (form && form.dataset["text" + name]) || "…";
  }

  function storageKey(field) {
    return "autosave:" + field.dataset.form + ":" + field.dataset.field;
  }

  // A radio group shares one save state, named by the group (data-group).
  function stateBox(field) {
    return document.getElementById("st-" + (field.dataset.group || field.id));
  }

  function isRadio(field) {
    return field.type === "radio";
  }

  function serverVersion(field) {
    var box = stateBox(field);
    return box ? parseInt(box.dataset.version || "0", 10) : 0;
  }

  function show(field, text, cls) {
    var box = stateBox(field);
    if (!box) return;
    var span = box.querySelector(".save-live");
    if (!span) {
      span = document.createElement("span");
      span.className = "save-live";
      box.appendChild(span);
    }
    box.querySelectorAll(".save-ok, .save-bad").forEach(function (el) { el.hidden = true; });
    span.className = "save-live " + cls;
    span.textContent = text;
  }

  function remember(field) {
    try {
      localStorage.setItem(storageKey(field), JSON.stringify({
        value: field.value, version: serverVersion(field), at: Date.now(),
      }));
    } catch (e) { /* private mode or full storage: the server copy is all we have */ }
  }

  function forget(field) {
    try { localStorage.removeItem(storageKey(field)); } catch (e) { /* nothing stored */ }
  }

  function fieldOf(elt) {
    return elt && elt.classList && elt.classList.contains("autosave") ? elt : null;
  }

  // A radio is saved on the click itself: nothing typed to keep.
  document.addEventListener("input", function (event) {
    var field = fieldOf(event.target);
    if (field && !isRadio(field)) remember(field);
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    var field = fieldOf(event.detail.elt);
    if (field) show(field, text(field, "Saving"), "saving");
  });

  function retryLater(field) {
    show(field, text(field, "Retrying"), "save-bad");
    clearTimeout(field._retry);
    field._retry = setTimeout(function () { htmx.trigger(field, "autosave-retry"); }, RETRY_MS);
  }

  // No answer (offline, timeout) or a server error: keep the local copy and try again.
  ["htmx:sendError", "htmx:timeout", "htmx:responseError"].forEach(function (name) {
    document.addEventListener(name, function (event) {
      var field = fieldOf(event.detail.elt);
      if (field) retryLater(field);
    });
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var box = event.detail.target;
    if (!box || !box.classList || !box.classList.contains("save-state")) return;
    var id = box.id.replace(/^st-/, "");
    var field = document.querySelector('[data-group="' + id + '"]:checked') || document.getElementById(id);
    if (!field) return;
    clearTimeout(field._retry);
    // Saved, or refused for good (stale, invalid): the server answered, the message says what to do.
    if (box.dataset.state === "saved") forget(field);
  });

  // "Use the saved text" after a stale save: take the server's copy into the field.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".use-saved");
    if (!button) return;
    var box = button.closest(".save-state");
    var field = box && document.getElementById(box.id.replace(/^st-/, ""));
    if (!field) return;
    field.value = button.dataset.value;
    forget(field);
    box.querySelector(".stale-copy").hidden = true;
  });

  // Typed into before the scripts ran (a slow connection): no input event was heard.
  function changedBeforeLoad(field) {
    if (isRadio(field)) return field.checked !== field.defaultChecked && field.checked;
    if (field.tagName === "SELECT") {
      return Array.prototype.some.call(field.options, function (o) { return o.selected !== o.defaultSelected; });
    }
    return field.value !== field.defaultValue;
  }

  // After a reload: text typed here but never saved comes back, unless the server has a
  // newer version of the field (saved from elsewhere since), which then wins. Text typed
  // before the page finished loading is newer still, and is saved as it is.
  function restore() {
    // [data-field]: the fields themselves, not the box Django draws around a radio group.
    document.querySelectorAll(".autosave[data-field]").forEach(function (field) {
      if (changedBeforeLoad(field)) {
        remember(field);
        htmx.trigger(field, "autosave-retry");
        return;
      }
      if (isRadio(field)) return;
      var raw;
      try { raw = localStorage.getItem(storageKey(field)); } catch (e) { return; }
      if (!raw) return;
      var saved;
      try { saved = JSON.parse(raw); } catch (e) { forget(field); return; }
      if (saved.version < serverVersion(field) || saved.value === field.value) {
        forget(field);
        return;
      }
      field.value = saved.value;
      show(field, text(field, "Restored"), "saving");
      htmx.trigger(field, "autosave-retry");
    });
  }

  // After an invalid submission: the error summary takes the focus (read out first), and
  // each of its links puts the focus in its field, not just scrolls to it.
  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-error-summary] a[href^='#']");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    field.focus();
    field.scrollIntoView({ block: "center" });
  });

  // After htmx has set up the fields (it also starts on DOMContentLoaded).
  document.addEventListener("DOMContentLoaded", function () { setTimeout(restore, 0); focusSummary(); });
})();
