// Cross-origin isolation for hosts that cannot send response headers. Loaded by the generated service
// worker (vite.config.ts, workbox `importScripts`), before its own fetch handling.
//
// The page is cross-origin isolated, and TF.js's WASM backend may run its SIMD + threads build, only when
// the page and its worker scripts come with `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp` (src/app/constants.ts; README.md, "Cross-origin isolation").
// Where the host sends them, this changes nothing. Where it does not, the first visit runs single-threaded
// (WASM SIMD); from the next load on, the service worker serves the page and adds the headers here, to the
// responses the precache (workbox) gives for navigations and worker scripts. Nothing is reloaded on its own.
// Every subresource is same-origin, so `require-corp` blocks nothing.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

function withIsolationHeaders(response) {
  // opaque and error responses have no headers to change; redirects are left to the browser
  if (!response || response.type === 'opaque' || response.type === 'opaqueredirect' || response.status === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(ISOLATION_HEADERS)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

function needsIsolationHeaders(request) {
  return request.mode === 'navigate' || request.destination === 'worker' || request.destination === 'sharedworker';
}

// Workbox answers with event.respondWith(...): that one call is wrapped, whatever route answers.
const respondWith = FetchEvent.prototype.respondWith;
FetchEvent.prototype.respondWith = function (response) {
  if (!needsIsolationHeaders(this.request)) return respondWith.call(this, response);
  return respondWith.call(this, Promise.resolve(response).then(withIsolationHeaders));
};
