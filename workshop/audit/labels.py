"""The audit log's words: actions, actors, the kinds of things recorded, and their details."""

from flask_babel import lazy_gettext as _l

from workshop.audit.models import Action, ActorKind

ACTION_LABELS = {
    Action.CREATE: _l("created"),
    Action.CHANGE: _l("changed"),
    Action.REMOVE: _l("removed"),
    Action.EXPORT: _l("exported"),
    Action.SHARE: _l("shared"),
    Action.SHARE_USE: _l("link used"),
    Action.ERASE: _l("erased"),
    Action.SIGN_IN: _l("signed in"),
}

ACTOR_LABELS = {
    ActorKind.MEMBER: _l("removed account"),
    ActorKind.GUEST: _l("guest"),
    ActorKind.LINK: _l("link"),
    ActorKind.SYSTEM: _l("system"),
}

# Object types are table names (the listener records every content table by its name);
# a type missing here is shown as its name.
OBJECT_LABELS = {
    "workspace": _l("workspace"),
    "membership": _l("membership"),
    "invitation": _l("invitation"),
    "organisation": _l("organisation"),
    "user": _l("account"),
    "person": _l("person"),
    "journey": _l("journey"),
    "stage": _l("stage"),
    "lane": _l("lane"),
    "step": _l("step"),
    "step_suggestion": _l("step suggestion"),
    "category": _l("category"),
    "critical_point": _l("critical point"),
    "report": _l("report"),
    "vote": _l("vote"),
    "sprint": _l("sprint"),
    "sprint_phase": _l("sprint phase"),
    "sprint_participant": _l("sprint participant"),
    "experiment": _l("experiment"),
    "decision": _l("decision"),
    "sprint_snapshot": _l("frozen summary"),
    "share_link": _l("share link"),
    "live_session": _l("workshop"),
    "live_guest": _l("guest in a workshop"),
    "live_entry": _l("workshop entry"),
    "survey_round": _l("survey round"),
    "survey_unit": _l("survey unit"),
    "survey_item": _l("survey item"),
    "survey_own_item": _l("own survey item"),
    "survey_retired_item": _l("retired survey item"),
    "survey_round_share": _l("survey report share link"),
    "coaching_theme": _l("coaching theme"),
    "follow_up": _l("follow-up"),
    "follow_up_check_in": _l("check-in"),
    "follow_up_link": _l("follow-up link"),
    "follow_up_calendar": _l("follow-up calendar"),
    "sparring_series": _l("sparring series"),
    "sparrer": _l("sparring partner"),
    "sparring_session": _l("sparring session"),
    "sparring_question": _l("host's question"),
    "sparring_agenda_item": _l("agenda item"),
    "sparring_capture": _l("sparring entry"),
    "sparring_commitment": _l("commitment"),
    "sparring_share": _l("sparring share link"),
    "audit_log": _l("audit log"),
}

# The words a detail starts with ("fields: title"), translated on the page; the rest is
# kept as recorded (field names, formats).
DETAIL_WORDS = {
    "fields": _l("fields"),
    "count": _l("count"),
    "restored": _l("restored"),
    "created": _l("created"),
    "revoked": _l("revoked"),
    "password": _l("password"),
}


def object_label(object_type: str) -> str:
    """The kind of thing, in the page's language."""
    label = OBJECT_LABELS.get(object_type)
    return str(label) if label is not None else object_type.replace("_", " ")


def detail_text(detail: str) -> str:
    """A recorded detail with its leading word translated ("kentät: title")."""
    head, sep, rest = detail.partition(":")
    word = DETAIL_WORDS.get(head.strip())
    if word is None:
        return detail
    return f"{word}{sep}{rest}"
