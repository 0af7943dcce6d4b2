// «Социальный кластер» service worker: a page opened once opens again with no connection.
//
// `cargo xtask spa` writes this file into the build with the build's files (ASSETS) and a
// version made of their hashed names; a new build is a new version, whose caches replace the
// old ones. What is kept:
//   - the build's files (the citizens' site and the route wizard), when the worker installs;
//   - the public pages and public API answers a person has opened, network first: with a
//     connection the answer is always fresh, without one the last kept copy is shown, marked
//     with the moment it was saved;
//   (A route is drawn in the page from the situation and the city's candidate services, both
//   public answers; the person's answers stay in the address, which the browser keeps anyway.)
// What is never kept: the partner cabinet, the back office, anything of /api/v1/auth, of the
// cabinet's or the back office's API, and any request that carries credentials. Without a
// connection the cabinet says it needs one instead of showing stale data.

const VERSION = "__SOCIO_VERSION__";
const ASSETS = __SOCIO_ASSETS__;
const CACHE = "socio-" + VERSION;

/// Never kept, whatever the method.
const PRIVATE = /^\/(cabinet|backoffice)(\/|$)|^\/api\/v1\/(auth|cabinet|backoffice)(\/|$)/;
/// Public answers worth keeping (GET).
const PUBLIC_API = /^\/api\/v1\/(services|organizations|situations|search|municipalities|categories|target-groups|meta|socio-centres|router\/candidates)(\/|\?|$)/;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) => Promise.all(names.filter((name) => name.startsWith("socio-") && name !== CACHE).map((name) => caches.delete(name))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (PRIVATE.test(url.pathname) || request.headers.has("Authorization")) {
    if (request.mode === "navigate") event.respondWith(fetch(request).catch(() => offline(true)));
    return;
  }
  if (request.method === "GET" && ASSETS.includes(url.pathname)) {
    event.respondWith(caches.match(request).then((kept) => kept || fetch(request)));
    return;
  }
  if (request.method === "GET" && (request.mode === "navigate" || PUBLIC_API.test(url.pathname))) {
    event.respondWith(networkFirst(event, request));
  }
});

/// The network's answer, kept; without a connection, the kept copy.
async function networkFirst(event, request) {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    const cacheControl = response.headers.get("Cache-Control") || "";
    if (response.ok && !cacheControl.includes("no-store") && !cacheControl.includes("private")) {
      event.waitUntil(stamped(response.clone()).then((copy) => cache.put(request, copy)));
    }
    return response;
  } catch (failure) {
    const kept = await cache.match(request);
    if (!kept) return request.mode === "navigate" ? offline(false) : Response.error();
    const savedAt = kept.headers.get("X-Socio-Saved-At");
    if (request.mode === "navigate") return markedPage(kept, savedAt);
    if (event.clientId) {
      self.clients.get(event.clientId).then((client) => client && client.postMessage({ savedAt }));
    }
    return kept;
  }
}

/// A copy of `response` that says when it was saved.
async function stamped(response) {
  const headers = new Headers(response.headers);
  headers.set("X-Socio-Saved-At", new Date().toISOString());
  return new Response(await response.blob(), { status: response.status, statusText: response.statusText, headers });
}

/// A kept page, marked for the app to show «Нет связи: показана сохранённая версия от …».
async function markedPage(kept, savedAt) {
  const html = await kept.text();
  const meta = '<meta name="socio-saved-at" content="' + savedAt + '">';
  const headers = new Headers(kept.headers);
  headers.delete("Content-Length");
  return new Response(html.replace("<head>", "<head>" + meta), { status: 200, headers });
}

/// A page for an address never opened (or the cabinet's) while there is no connection.
function offline(cabinet) {
  const text = cabinet
    ? "Личный кабинет работает только при подключении к интернету: так вы не увидите и не отправите устаревшие данные. Подключитесь и обновите страницу."
    : "Эта страница ещё не открывалась на этом устройстве, поэтому её нет в сохранённых. Подключитесь к интернету и обновите страницу.";
  const html =
    '<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">' +
    "<title>Нет связи — Социальный кластер</title></head><body><main><h1>Нет связи</h1><p id=\"offline\">" +
    text +
    '</p><p><a href="/">На главную</a></p></main></body></html>';
  return new Response(html, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" } });
}
