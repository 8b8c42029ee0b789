// Searchable theme pickers. A partnership can have 200+ themes, and the form's list of checkboxes
// (which stays the whole picker without JavaScript) is then many screens long. With JavaScript, a
// text box (accessible-autocomplete, GOV.UK's own pattern) finds a theme by typing and ticks its
// checkbox; only the ticked checkboxes stay on show, so each can still be unticked, and a button
// shows the whole list again. The checkboxes remain the form's fields: nothing else is submitted.
// Theme filters on lists (a single <select>) become the same kind of searchable box.
import "./autocomplete/accessible-autocomplete.min.js";

const accessibleAutocomplete = window.accessibleAutocomplete;

const labelText = (item) => item.querySelector("label").textContent.trim();

function enhanceCheckboxes(container) {
  const items = Array.from(container.querySelectorAll(".govuk-checkboxes__item"));
  if (!items.length) return;
  const byName = new Map(items.map((item) => [labelText(item), item]));
  const box = (item) => item.querySelector("input[type=checkbox]");
  const baseId = box(items[0]).name;

  const group = document.createElement("div");
  group.className = "govuk-form-group govuk-!-margin-bottom-3 app-theme-picker";
  const label = document.createElement("label");
  label.className = "govuk-label";
  label.htmlFor = `${baseId}-search`;
  label.textContent = "Find a theme to add";
  const hint = document.createElement("div");
  hint.className = "govuk-hint";
  hint.id = `${baseId}-search-hint`;
  hint.textContent = "Type part of its name, then choose it from the list. Chosen themes appear below.";
  const holder = document.createElement("div");
  group.append(label, hint, holder);
  container.before(group);

  const toggle = document.createElement("button");
  toggle.type = "button";
  toggle.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-top-3";
  container.after(toggle);

  let showingAll = false;
  const refresh = () => {
    for (const item of items) item.hidden = !showingAll && !box(item).checked;
    const ticked = items.filter((item) => box(item).checked).length;
    toggle.textContent = showingAll ? "Show only the chosen themes" : `Show all ${items.length} themes`;
    container.dataset.ticked = String(ticked);
  };
  toggle.addEventListener("click", () => {
    showingAll = !showingAll;
    refresh();
  });

  accessibleAutocomplete({
    element: holder,
    id: `${baseId}-search`,
    name: "",
    minLength: 1,
    displayMenu: "overlay",
    confirmOnBlur: false,
    source: (query, populate) => {
      const wanted = query.toLowerCase();
      populate(
        Array.from(byName.keys())
          .filter((name) => name.toLowerCase().includes(wanted))
          .slice(0, 20),
      );
    },
    tNoResults: () => "No theme matches",
    onConfirm: (name) => {
      const item = byName.get(name);
      if (!item) return;
      box(item).checked = true;
      refresh();
    },
  });
  const input = document.getElementById(`${baseId}-search`);
  if (input) {
    input.setAttribute("aria-describedby", `${hint.id} ${input.getAttribute("aria-describedby") || ""}`.trim());
    // Enter in the search box chooses a theme; it must never submit the whole form.
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  refresh();
}

function enhanceSelect(select) {
  accessibleAutocomplete.enhanceSelectElement({
    selectElement: select,
    defaultValue: "",
    minLength: 1,
    showAllValues: true,
    dropdownArrow: () => "",
    tNoResults: () => "No theme matches",
  });
  // A box emptied by the user means "any theme": without this the hidden select would keep the
  // theme chosen before, and the filter could never be cleared.
  const input = document.getElementById(select.id.replace(/-select$/, ""));
  if (input && select.form) {
    select.form.addEventListener("submit", () => {
      if (!input.value.trim()) select.value = "";
    });
  }
}

if (accessibleAutocomplete) {
  document.querySelectorAll("[data-theme-picker]").forEach(enhanceCheckboxes);
  document.querySelectorAll("select[data-theme-select]").forEach(enhanceSelect);
}
