"""A journey done with the keyboard alone (Tab, Shift+Tab, Enter and Space, and typing into fields):
an agency lead signs in, reaches an action from the home page and posts an update. Every element that
takes focus on the way must show it (a non-empty outline or box-shadow)."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import shot

FOCUSED = r"""() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0 && s.outlineColor !== 'transparent'
                  && !/^rgba\(.*,\s*0\)$/.test(s.outlineColor);
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  const background = s.backgroundColor;
  return {tag: e.tagName.toLowerCase(), id: e.id, type: e.type || '', text: (e.innerText || e.value || '').trim().slice(0, 60),
          href: e.getAttribute('href') || '', label: e.labels && e.labels[0] ? e.labels[0].innerText.trim() : '',
          visible: outline || shadow, outline: s.outline, shadow: s.boxShadow, background};
}"""


def focused(page) -> dict | None:
    info = page.evaluate(FOCUSED)
    if info is not None:
        assert info["visible"], f"no visible focus on {info}"
    return info


def tab_to(page, matches, *, limit: int = 120, key: str = "Tab") -> dict:
    """Press Tab until the focused element matches, checking the focus is visible at every stop."""
    for _ in range(limit):
        page.keyboard.press(key)
        info = focused(page)
        if info is not None and matches(info):
            return info
    raise AssertionError(f"{key} never reached the element wanted on {page.url}")


def test_agency_lead_posts_an_update_with_the_keyboard_alone(page):
    page.goto("/sign-in")
    tab_to(page, lambda e: e["id"] == "email")
    page.keyboard.type("health.lead@example.org")
    tab_to(page, lambda e: e["id"] == "password")
    page.keyboard.type("demo-password-2026")
    tab_to(page, lambda e: e["tag"] == "button" and "Sign in" in e["text"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your agency's actions")

    # The first action in the agency's list, then back one with Shift+Tab and forward again.
    first = tab_to(page, lambda e: re.search(r"/actions/\d+$", e["href"]) is not None)
    page.keyboard.press("Tab")
    back = tab_to(page, lambda e: e["href"] == first["href"], key="Shift+Tab", limit=10)
    assert back["href"] == first["href"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/actions/\d+$"))
    action_url = page.url

    tab_to(page, lambda e: e["text"].startswith("Post an update"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/actions/\d+/update$"))

    # The first radio of the rating takes focus; Space chooses it.
    radio = tab_to(page, lambda e: e["type"] == "radio")
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    tab_to(page, lambda e: e["tag"] == "textarea")
    page.keyboard.type("Posted with the keyboard alone: the audit is booked for next month.")
    tab_to(page, lambda e: e["tag"] == "button" and "Post update" in e["text"])
    shot(page, "keyboard-update-form")
    page.keyboard.press("Enter")
    expect(page.locator(".govuk-notification-banner")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(action_url) + r"(#.*)?$"))
    expect(page.locator("body")).to_contain_text("Posted with the keyboard alone")
    assert radio["label"], "the radio has a label"


def test_the_skip_link_is_first_and_visible_when_focused(page):
    page.goto("/sign-in")
    info = tab_to(page, lambda e: True, limit=1)
    assert info["tag"] == "a" and "Skip to main content" in info["text"]
    assert page.locator("a.govuk-skip-link").is_visible()
