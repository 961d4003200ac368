"""Who sees which page and who may enter what (DESIGN.md, Roles).

CFO and controller read only, except that a controller may reverse a posted cash
allocation (an accounting correction, recorded with actor and reason). A collector sees
and acts only on customers whose ``collector`` is theirs: :func:`scope` is what every
query receives, and :mod:`dashboards.writeback` checks the customer's collector again
before it writes.
"""

from __future__ import annotations

from core.users import ROLES, User

#: page key -> roles that see it, in the order the navigation lists them
PAGES: dict[str, tuple[str, ...]] = {
    "overview": ("cfo", "controller", "credit_manager", "admin"),
    "worklist": ("collector", "credit_manager", "admin"),
    "open_items": ("cfo", "controller", "credit_manager", "collector", "admin"),
    "customer": ROLES,
    "risk": ("cfo", "controller", "credit_manager", "admin"),
    "approvals": ("credit_manager", "admin"),
    "disputes": ROLES,
    "pipeline": ("cfo", "controller", "credit_manager", "admin"),
}

#: what a user may enter -> roles allowed
ACTIONS: dict[str, tuple[str, ...]] = {
    # notes, calls, promises, disputes (open and resolve), dunning blocks
    "customer_input": ("credit_manager", "collector", "admin"),
    "approve_dunning": ("credit_manager", "admin"),
    "complete_task": ("collector", "credit_manager", "admin"),
    # reverse a posted cash allocation (actions/reversals.py)
    "reverse_allocation": ("controller", "admin"),
}


def pages_for(user: User) -> list[str]:
    return [page for page, roles in PAGES.items() if user.role in roles]


def can_see(user: User | None, page: str) -> bool:
    return user is not None and user.role in PAGES.get(page, ())


def can(user: User | None, action: str) -> bool:
    return user is not None and user.role in ACTIONS.get(action, ())


def scope(user: User) -> str | None:
    """The collector name a user's data is limited to; None for roles that see all.

    A collector user without a collector name sees nothing (an impossible name), never all.
    """
    if user.role == "collector":
        return user.collector or "\x00no collector\x00"
    return None
