"""Words for kinds of records holding a person, and for searches that cannot run."""

from flask_babel import lazy_gettext as _l

from workshop.privacy.people import SEARCH_MAX, SEARCH_MIN, SearchProblem

# In the order the search shows them; a marked table missing here shows by its own name.
KIND_LABELS = {
    "user": _l("Accounts"),
    "login_failure": _l("Failed logins"),
    "live_guest": _l("Workshop participants"),
    "sprint_participant": _l("Sprint participants"),
    "decision": _l("Owners of sprint decisions"),
    "experiment": _l("Owners of experiments"),
    "sparrer": _l("Sparrers"),
    "sparring_capture": _l("Authors of sparring entries"),
    "follow_up": _l("Follow-up owners"),
    "follow_up_link": _l("Follow-up links"),
    "survey_report_share": _l("Supervisors of shared survey reports"),
    "coaching_theme": _l("Owners of coaching themes"),
}

# Where a text of people's own words stands, by table.
TEXT_LABELS = {
    "workspace": _l("Workspace description"),
    "journey": _l("Journey description"),
    "step": _l("Step of a journey"),
    "activity": _l("Latest changes"),
    "critical_point": _l("Critical point"),
    "report": _l("Report of a critical point"),
    "sprint": _l("Challenge"),
    "decision": _l("Sprint decision"),
    "experiment": _l("Sprint experiment"),
    "share_link": _l("Share links"),
    "live_session": _l("Projector view"),
    "live_guest": _l("Why a participant was removed"),
    "live_entry": _l("Workshop entry"),
    "follow_up": _l("Follow-up"),
    "follow_up_check_in": _l("Check-in"),
    "follow_up_event": _l("Follow-up history"),
    "coaching_theme": _l("Coaching theme"),
    "survey_response": _l("Free text of a staff survey answer"),
    "survey_round_share": _l("Share links"),
    "sparring_session": _l("Sparring session"),
    "sparring_question": _l("Sparring session"),
    "sparring_agenda_item": _l("Agenda"),
    "sparring_capture": _l("Sparring entry"),
    "sparring_commitment": _l("Commitment"),
    "privacy_notice": _l("Privacy notice"),
    "invitation": _l("Invitation"),
}

SEARCH_PROBLEMS = {
    SearchProblem.EMPTY: _l("Type a name or an e-mail address to search for."),
    SearchProblem.SHORT: _l("Type at least %(min)d characters.", min=SEARCH_MIN),
    SearchProblem.LONG: _l("Type at most %(max)d characters.", max=SEARCH_MAX),
    SearchProblem.UNREADABLE: _l("The search text has characters that cannot be searched for."),
}


def kind_label(kind: str) -> str:
    """The heading of a kind of record."""
    return str(KIND_LABELS.get(kind, kind))


def text_label(table: str) -> str:
    """Where a text of people's own words stands."""
    return str(TEXT_LABELS.get(table, table))


def ordered(groups: dict) -> list[tuple[str, list]]:
    """The search's groups in KIND_LABELS' order, unknown kinds last."""
    order = list(KIND_LABELS)
    return sorted(
        groups.items(),
        key=lambda item: (order.index(item[0]) if item[0] in order else len(order), item[0]),
    )


def for_templates() -> dict:
    """The labels every template may call."""
    return {"personal_record_label": kind_label, "personal_text_label": text_label}
