"""Reading rendered pages the way a browser would submit them."""

import html
import re


def select_options(body: str, name: str) -> dict[str, tuple[str, bool]]:
    """The options of the <select> called `name`: label -> (value sent, selected)."""
    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', body, re.S).group(1)
    return {html.unescape(label): (html.unescape(value), bool(chosen))
            for value, chosen, label in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)}
