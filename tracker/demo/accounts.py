"""The published demo accounts: who they are and their shared password. Plain data, no database, so
the sign-in page can show them in demo mode without reaching the demo builders (which only the
command line runs)."""

from tracker.users.models import Role

DEMO_PASSWORD = "demo-password-2026"

STAFF_ACCOUNTS = [
    ("admin@example.org", "Alex Morgan", Role.ADMIN, None),
    ("business.unit@example.org", "Priya Shah", Role.BUSINESS_UNIT, None),
    ("business.manager@example.org", "Sam Okafor", Role.BUSINESS_UNIT, None),
    ("board@example.org", "Helen Price", Role.BOARD_MEMBER, None),
    ("scrutineer@example.org", "Ruth Adams", Role.SCRUTINEER, None),
]
#: Named leads for the agencies that own actions: (short name, email, name).
LEADS = [
    ("WMP", "police.lead@example.org", "DI Chris Hall"),
    ("BCPFT", "health.lead@example.org", "Jo Bennett"),
    ("CSC", "csc.lead@example.org", "Maria Lopez"),
    ("LEA", "education.lead@example.org", "Tom Reid"),
    ("DGFT", "dgft.lead@example.org", "Aisha Khan"),
    ("DCCG", "ccg.lead@example.org", "Mark Ellis"),
    ("HCC", "childrens.centres.lead@example.org", "Lucy Ward"),
    ("NPS", "probation.lead@example.org", "Dan Price"),
    ("CRC", "crc.lead@example.org", "Nina Shaw"),
    ("DSPP", "learning.lead@example.org", "Kate Bishop"),
]


def demo_accounts() -> list[tuple[str, str]]:
    """(email, what the account is) for every published demo account, staff first."""
    out = [(email, role.label) for email, _, role, _ in STAFF_ACCOUNTS]
    out += [(email, f"Agency lead, {short}") for short, email, _ in LEADS]
    return out


def is_demo_sign_in(email: str, password: str) -> bool:
    """A published demo account that still has the published demo password."""
    return password == DEMO_PASSWORD and email.strip().lower() in {e for e, _ in demo_accounts()}
