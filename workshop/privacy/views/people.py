"""The administrators' people tools: find a person's records by name or e-mail, export the
picked ones as JSON, erase them after asking. Ids that name nothing change nothing."""

import json

from flask import Response, flash, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from workshop import clock
from workshop.access import admin_required
from workshop.audit.models import Action
from workshop.audit.services import record
from workshop.extensions import db
from workshop.htmx import redirect_page, render_page
from workshop.privacy import labels, mentions, people, services
from workshop.privacy.forms import PickForm, SearchForm
from workshop.privacy.models import Removal
from workshop.privacy.views.blueprint import people_bp


def _search_page(
    form: SearchForm, pick: PickForm | None = None, error: str | None = None, status=200
):
    problem = people.search_problem(form.q.data) if form.q.data is not None else None
    groups, texts = [], []
    if form.q.data is not None and problem is None:
        groups = labels.ordered(people.search(form.q.data))
        texts = mentions.search(form.q.data)
    elif problem is not None and form.q.data is not None:
        form.q.errors = [str(labels.SEARCH_PROBLEMS[problem])]
        status = 422
    return render_page(
        "privacy/people.html",
        status=status,
        form=form,
        pick=pick or PickForm(formdata=None),
        groups=groups,
        mentions=texts[: mentions.MENTIONS_MAX],
        more_mentions=len(texts) > mentions.MENTIONS_MAX,
        error=error,
        searched=form.q.data is not None and problem is None,
    )


def _search_form() -> SearchForm:
    """The search as the address or the picking form asks; without `q`, nothing searched yet."""
    form = SearchForm(request.values)
    if "q" not in request.values:
        form.q.data = None
    return form


@people_bp.get("/admin/people")
@admin_required
def search():
    """Search every name and e-mail column, and people's own words; group what was found."""
    return _search_page(_search_form())


def _picked_or_refuse(form: PickForm):
    """The picked records and texts, or the search page again saying why nothing was done."""
    if not form.validate_on_submit():
        return None, None, _("The form had expired. Search again and pick the records again.")
    keys, texts = form.record.data or [], form.mention.data or []
    try:
        if keys or texts:
            return people.load_picked(keys) if keys else [], mentions.load(texts), None
    except (people.NotFound, mentions.NotFound):
        pass
    return (
        None,
        None,
        _(
            "Nothing was changed: pick at least one record found by the search. A record "
            "may have been removed meanwhile; search again."
        ),
    )


def _keys(picked, texts) -> str:
    return ", ".join([f"{kind}:{row.id}" for kind, row in picked] + [m.key for m in texts])


@people_bp.post("/admin/people/export")
@admin_required
def export():
    """The picked records and what they wrote and did, as one JSON file."""
    form = PickForm()
    picked, texts, error = _picked_or_refuse(form)
    if picked is None:
        return _search_page(_search_form(), form, error, status=422)
    document = people.export(picked, clock.now(), texts)
    record(Action.EXPORT, "person", detail=_keys(picked, texts))
    db.session.commit()
    response = Response(
        json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json"
    )
    stamp = clock.now().strftime("%Y%m%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="personal-data-{stamp}.json"'
    return response


@people_bp.post("/admin/people/erase")
@admin_required
def erase():
    """Ask first; then replace the picked records' names and e-mail addresses for good, and
    the names in the picked texts."""
    form = PickForm()
    picked, texts, error = _picked_or_refuse(form)
    if picked is None:
        return _search_page(_search_form(), form, error, status=422)
    found = people.describe(picked)
    names = mentions.words((n for item in found for n in item.names), form.q.data)
    placeholder = services.placeholder()
    if form.confirmed.data != "yes":
        previews = [mentions.preview(m, names, placeholder) for m in texts]
        return render_page(
            "privacy/erase.html", picked=found, texts=previews, q=form.q.data, shown=placeholder
        )
    erasure = people.erase(picked, placeholder, Removal.ERASURE)
    changed = mentions.rewrite(texts, names, placeholder)
    _record_erasure(erasure, changed)
    db.session.commit()
    count = erasure.record_count + sum(len(ids) for ids in changed.values())
    flash(ngettext("%(num)d record was erased.", "%(num)d records were erased.", count), "success")
    return redirect_page(url_for("people.search"))


def _record_erasure(erasure: people.Erasure, texts: dict[str, list[int]]) -> None:
    """One audit event per kind of record, with ids and never a name."""
    only = next(iter(erasure.workspaces)) if len(erasure.workspaces) == 1 else None
    for kind, ids in {**erasure.records, **erasure.documents}.items():
        one = ids[0] if len(ids) == 1 else None
        record(Action.ERASE, kind, one, workspace_id=only, detail=_ids(ids))
    for table, ids in texts.items():
        record(Action.ERASE, table, ids[0] if len(ids) == 1 else None, detail=_ids(ids))


def _ids(ids: list[int]) -> str:
    return f"{len(ids)}: " + ", ".join(str(i) for i in ids)
