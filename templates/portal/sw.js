// The service worker (portal/offline.py): the app shell and a cadre's own forms and activity
// log kept for offline use. Pages are fetched from the network first and kept when they load,
// so offline the last copy opens; everything else just goes to the network.
"use strict";
var VERSION = "{{ version }}";
var SHELL_CACHE = "shell-" + VERSION;
var PAGE_CACHE = "pages-v1";
var SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PAGES = [{% for pattern in pages %}new RegExp("{{ pattern|escapejs }}"){% if not forloop.last %}, {% endif %}{% endfor %}];
var LOGOUT = "{% url 'account_logout' %}";
var OFFLINE_PAGE = '<!doctype html><html lang="vi"><head><meta charset="utf-8">' +
  '<meta name="viewport" content="width=device-width, initial-scale=1"><title>{{ texts.title|escapejs }}</title>' +
  '<link rel="stylesheet" href="{{ shell.0|escapejs }}"></head><body><main id="main" class="stack">' +
  '<h1>{{ texts.title|escapejs }}</h1><p>{{ texts.explain|escapejs }}</p>' +
  '<p><a class="btn" href="/">{{ texts.home|escapejs }}</a></p></main></body></html>';

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("shell-") === 0 && name !== SHELL_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function keptPage(url) {
  return PAGES.some(function (pattern) { return pattern.test(url.pathname); });
}

function offlinePage() {
  return new Response(OFFLINE_PAGE, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method !== "GET") {
    // Signing out forgets the pages kept for this person.
    if (url.pathname === LOGOUT) event.waitUntil(caches.delete(PAGE_CACHE));
    return;
  }
  if (SHELL.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
    return;
  }
  if (request.mode !== "navigate") return;
  var keep = keptPage(url);
  event.respondWith(fetch(request).then(function (response) {
    // Only the page itself, not a redirect to the sign-in page.
    if (keep && response.ok && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGE_CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(PAGE_CACHE).then(function (cache) { return cache.match(url.pathname); })
      .then(function (hit) { return hit || offlinePage(); });
  }));
});
