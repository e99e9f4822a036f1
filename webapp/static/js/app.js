// Starts GOV.UK Frontend's components (error summary focus, character count, menus…) and the
// background saving of case pages, and the warning before an idle sign-in ends. Loaded as
// <script type="module"> at the end of <body>; browsers without modules skip it and get the
// plain HTML, which works on its own.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initAutosave } from "/static/js/autosave.js";
import { initTimeoutWarning } from "/static/js/timeout-warning.js";

initAll();
document.querySelectorAll("form[data-autosave-url]").forEach(initAutosave);
document.querySelectorAll("dialog.app-timeout-dialog").forEach(initTimeoutWarning);
