// Served in place of the webjar's own swagger-initializer.js, which would load the public petstore example.
// A file rather than inline script, so that a Content-Security-Policy without 'unsafe-inline' can still allow it.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/api-docs",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
    // the default validator badge fetches from validator.swagger.io: the page must not call out of the gateway
    validatorUrl: null
  });
};
