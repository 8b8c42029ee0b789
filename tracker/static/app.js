// Starts every GOV.UK Frontend component on the page. Loaded as a module from base.html, so
// no inline script is needed for it (the Content-Security-Policy forbids unsigned inline scripts).
import { initAll } from "./govuk/govuk-frontend.min.js";

initAll();
