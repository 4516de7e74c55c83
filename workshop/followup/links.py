"""Links without an account to one follow-up: an owner outside the workspace or an external
witness. The token is derived (workshop/tokens.py), so the page can show the link again;
the database keeps only its hash. Services never commit."""

from sqlalchemy import select

from workshop import tokens
from workshop.accounts.models import User
from workshop.extensions import db
from workshop.followup.models import EventKind, FollowUp, FollowUpEvent, FollowUpLink, LinkRole
from workshop.models_base import utcnow

_PURPOSE = "polku-follow-up-link"


def link_token(link: FollowUpLink) -> str:
    """The token of a follow-up link; the same every time it is asked for."""
    return tokens.derived(_PURPOSE, link.id, link.follow_up_id, f"{link.created_at:%Y%m%d%H%M%S%f}")


def create_link(
    follow_up: FollowUp,
    role: LinkRole,
    name: str,
    organisation: str = "",
    email: str = "",
    user: User | None = None,
) -> FollowUpLink:
    """A new link of the follow-up for an outside owner or a witness."""
    link = FollowUpLink(
        follow_up=follow_up,
        role=role,
        name=name.strip(),
        organisation=organisation.strip(),
        email=email.strip(),
        created_by_id=user.id if user else None,
        created_at=utcnow(),
        # Unique until the id is known; replaced by the derived token's hash below.
        token_hash=tokens.new_token()[1],
    )
    db.session.add(link)
    db.session.flush()
    link.token_hash = tokens.hash_token(link_token(link))
    follow_up.events.append(
        FollowUpEvent(kind=EventKind.LINK, text=role.value, user_id=user.id if user else None)
    )
    return link


def link_for_token(token: str | None) -> FollowUpLink | None:
    """The link this token opens, unless revoked; None for anything else."""
    if not tokens.is_token_shaped(token):
        return None
    link = db.session.scalar(
        select(FollowUpLink).where(FollowUpLink.token_hash == tokens.hash_token(token))
    )
    return link if link is not None and link.revoked_at is None else None


def get_link(follow_up: FollowUp, link_id: int) -> FollowUpLink | None:
    """A link of this follow-up by id (None for another's)."""
    return next((link for link in follow_up.links if link.id == link_id), None)


def live_link(follow_up: FollowUp, role: LinkRole) -> FollowUpLink | None:
    """The follow-up's newest unrevoked link of that role."""
    found = [link for link in follow_up.links if link.role == role and link.revoked_at is None]
    return found[-1] if found else None


def revoke_link(link: FollowUpLink, user: User | None) -> None:
    """The link stops working at once; its history stays."""
    if link.revoked_at is None:
        link.revoked_at = utcnow()
        link.follow_up.events.append(
            FollowUpEvent(
                kind=EventKind.LINK,
                text=f"revoked:{link.role.value}",
                user_id=user.id if user else None,
            )
        )
