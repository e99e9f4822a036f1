// Loaded first in <body> as a classic script (the CSP allows no inline script): marks the page
// so that GOV.UK Frontend's JavaScript-only styles apply before the components start.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
