"""The child process of report_template.check_in_limited_process: reads a template's bytes on stdin and
prints one JSON line, {"ok": true} or {"ok": false, "message": ...}. Nothing else is loaded: no app, no
database."""

import json
import sys

from tracker.reports.report_template import TemplateError, check_template


def main() -> None:
    content = sys.stdin.buffer.read()
    try:
        check_template(content)
    except TemplateError as error:
        print(json.dumps({"ok": False, "message": str(error)}))
        return
    print(json.dumps({"ok": True}))


if __name__ == "__main__":
    main()
