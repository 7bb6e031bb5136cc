// Start Swagger UI at /swagger-ui (flask-smorest's page): the spec URL and extra settings come from
// the container's data attributes, so the page needs no inline script under the CSP.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  var config = { url: container.getAttribute("data-spec-url"), dom_id: "#swagger-ui-container" };
  var extra = JSON.parse(container.getAttribute("data-config") || "{}");
  for (var name in extra) config[name] = extra[name];
  window.ui = SwaggerUIBundle(config);
});
