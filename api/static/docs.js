// Swagger UI over the API's OpenAPI document, from a file: the page's CSP allows no inline
// script. "Try it out" with the browser's session sends the CSRF header a write needs.
"use strict";

function csrfToken() {
  const found = document.cookie.split("; ").find((c) => c.startsWith("bo_csrf="));
  return found ? decodeURIComponent(found.slice("bo_csrf=".length)) : "";
}

window.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    requestInterceptor: (request) => {
      request.headers["X-CSRF-Token"] = csrfToken();
      return request;
    },
  });
});
