// Offline: registers the service worker (/sw.js) that keeps the app shell and a cadre's forms
// and activity log, and queues what a form marked data-offline submits without a connection.
// The queue lives in localStorage (text only: a photo cannot wait there); back online, each
// queued submit is sent again with the hidden fields (CSRF token, version) of the page as the
// server draws it now, since the copy kept offline holds a token that may have expired.
// A submit the server refuses is not retried: the status links to the form, whose typed text
// the autosave kept on this device.
(function () {
  "use strict";

  var KEY = "offline-queue";
  var script = document.currentScript;
  var texts = script ? script.dataset : {};

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () { /* no worker: pages still work */ });
  }

  function load() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }

  function store(queue) {
    try { localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* full or private: nothing kept */ }
  }

  function clock(ms) {
    var when = new Date(ms);
    return ("0" + when.getHours()).slice(-2) + ":" + ("0" + when.getMinutes()).slice(-2);
  }

  function say(template, at, link) {
    var box = document.getElementById("offline-status");
    if (!box) {
      box = document.createElement("p");
      box.id = "offline-status";
      box.className = "message offline-status";
      box.setAttribute("role", "status");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(box, main.firstChild);
    }
    box.textContent = (template || "").replace("{time}", clock(at));
    if (link) {
      var a = document.createElement("a");
      a.href = link;
      a.textContent = texts.open || link;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(a);
    }
  }

  function fields(form) {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string") pairs.push([name, value]);
    });
    return pairs;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-offline]") || navigator.onLine) return;
    event.preventDefault();
    var queue = load();
    var at = Date.now();
    queue.push({action: form.action || location.href, page: location.href, fields: fields(form), at: at});
    store(queue);
    say(texts.queued, at);
  }, true);

  // The hidden fields of the same form on the page as the server draws it now.
  function freshHidden(item) {
    return fetch(item.page, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      if (!response.ok) throw new Error("page " + response.status);
      return response.text();
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var path = new URL(item.action, location.href).pathname;
      var form = Array.prototype.find.call(doc.querySelectorAll("form"), function (candidate) {
        return new URL(candidate.getAttribute("action") || item.page, item.page).pathname === path;
      });
      var hidden = {};
      if (form) {
        form.querySelectorAll("input[type=hidden]").forEach(function (input) { hidden[input.name] = input.value; });
      }
      return hidden;
    });
  }

  function send(item) {
    return freshHidden(item).then(function (hidden) {
      var body = new URLSearchParams();
      item.fields.forEach(function (pair) {
        body.append(pair[0], Object.prototype.hasOwnProperty.call(hidden, pair[0]) ? hidden[pair[0]] : pair[1]);
      });
      return fetch(item.action, {method: "POST", body: body, credentials: "same-origin"});
    });
  }

  // Fields of this page whose text autosave still holds unsent (static/js/autosave.js): a
  // submit that posts only the version (the KĐCT01) must follow their saves, not overtake them.
  function autosavePending() {
    return Array.prototype.some.call(document.querySelectorAll(".autosave[data-field]"), function (field) {
      try { return localStorage.getItem("autosave:" + field.dataset.form + ":" + field.dataset.field) !== null; }
      catch (e) { return false; }
    });
  }

  var flushing = false;
  var waits = 0;
  function flush() {
    if (flushing || !navigator.onLine) return;
    var queue = load().filter(function (item) { return !item.failed; });
    if (!queue.length) return;
    if (autosavePending() && waits < 5) {  // autosave retries every 5 s
      waits += 1;
      setTimeout(flush, 3000);
      return;
    }
    waits = 0;
    flushing = true;
    var item = queue[0];
    send(item).then(function (response) {
      var rest = load().filter(function (other) { return other.at !== item.at; });
      // A form taken redirects (post/redirect/get); one refused is drawn again with its errors.
      if (response.ok && response.redirected) {
        store(rest);
        var now = Date.now();
        // On the form's own page the copy shown is stale: go where the server sent the submit,
        // and say there that it was sent.
        if (item.page === location.href && response.url && response.url !== location.href) {
          try { localStorage.setItem("offline-sent", String(now)); } catch (e) { /* the status is lost */ }
          location.assign(response.url);
        } else {
          say(texts.sent, now);
        }
      } else {
        item.failed = true;
        store(rest.concat([item]));
        say(texts.failed, item.at, item.page);
      }
    }).catch(function () { /* still no connection: the next "online" tries again */ })
      .then(function () { flushing = false; if (navigator.onLine) setTimeout(flush, 0); });
  }

  window.addEventListener("online", flush);
  window.addEventListener("offline", function () {
    if (document.querySelector("form[data-offline]")) say(texts.offline, Date.now());
  });
  document.addEventListener("DOMContentLoaded", function () {
    var sent = null;
    try { sent = localStorage.getItem("offline-sent"); localStorage.removeItem("offline-sent"); } catch (e) { /* none */ }
    if (sent) say(texts.sent, parseInt(sent, 10));
    var waiting = load().filter(function (item) { return !item.failed; });
    if (waiting.length && !navigator.onLine) say(texts.queued, waiting[waiting.length - 1].at);
    flush();
  });
})();
