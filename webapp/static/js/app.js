// Starts GOV.UK Frontend's components (error summary focus, character count, menus…), the
// questions of case pages that appear and disappear as they are answered, the background
// saving of case pages, the typing kept on caseviewer's case page and in a school's message to
// the council, and the warning before an idle sign-in ends. Loaded as <script type="module">
// at the end of <body>; browsers without modules skip it and get the plain HTML, which works on
// its own.
import { initAll } from "/static/govuk/govuk-frontend.min.js";
import { initAutosave } from "/static/js/autosave.js";
import { forgetLeftTyping, initKeptBoxes, keepTypingOnlyFor } from "/static/js/kept-typing.js";
import { initLiveConditions } from "/static/js/live-conditions.js";
import { initTimeoutWarning } from "/static/js/timeout-warning.js";

document.querySelectorAll("form[data-conditions]").forEach(initLiveConditions);
initAll();
if (document.body.hasAttribute("data-signed-out")) forgetLeftTyping(); // after Sign out, not a timeout
else if (document.body.dataset.keptFor) keepTypingOnlyFor(document.body.dataset.keptFor);
document.querySelectorAll("form[data-autosave-url]").forEach(initAutosave);
document.querySelectorAll("[data-kept-typing]").forEach(initKeptBoxes);
document.querySelectorAll("dialog.app-timeout-dialog").forEach(initTimeoutWarning);
