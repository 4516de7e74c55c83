"""Roles and the small rules around them."""

import pytest

from workshop.accounts.models import Role
from workshop.forms_common import safe_next


@pytest.mark.parametrize(
    ("role", "minimum", "allowed"),
    [
        (Role.OBSERVER, Role.OBSERVER, True),
        (Role.OBSERVER, Role.PARTICIPANT, False),
        (Role.PARTICIPANT, Role.PARTICIPANT, True),
        (Role.PARTICIPANT, Role.FACILITATOR, False),
        (Role.FACILITATOR, Role.OBSERVER, True),
        (Role.FACILITATOR, Role.FACILITATOR, True),
    ],
)
def test_roles_are_ordered(role, minimum, allowed):
    assert role.allows(minimum) is allowed


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/w/1/people", "/w/1/people"),
        ("/templates/?x=1", "/templates/?x=1"),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("javascript:alert(1)", None),
        ("", None),
    ],
)
def test_only_local_paths_are_followed_after_login(target, expected):
    assert safe_next(target) == expected
