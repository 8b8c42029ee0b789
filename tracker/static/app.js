// Starts every GOV.UK Frontend component on the page. Loaded as a module from base.html, so
// no inline script is needed for it (the Content-Security-Policy forbids unsigned inline scripts).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();

// The theme pickers' search boxes, loaded only on the pages that have a picker.
if (document.querySelector("[data-theme-picker], select[data-theme-select]")) {
  import("./theme-picker.js");
}
