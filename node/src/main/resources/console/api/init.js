// Swagger UI over /admin/openapi.json, with the admin token of this tab's console session as the bearer token of
// every call it makes (the document itself needs it too). A file of its own: the console's policy has no inline script.
window.addEventListener('load', () => {
  const token = sessionStorage.getItem('gateway.console.token');
  if (!token) {
    document.getElementById('api-login').hidden = false;
    return;
  }
  window.ui = SwaggerUIBundle({
    url: '/admin/openapi.json',
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    deepLinking: false,
    validatorUrl: null,
    requestInterceptor: (request) => {
      request.headers.Authorization = 'Bearer ' + token;
      return request;
    },
  });
});
