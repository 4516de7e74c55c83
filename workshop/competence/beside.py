"""Staff's self-assessment beside the employers' critical points: for some journey steps (by
template step key), the survey items linked to them and what the latest round says of each.

The figures come from the round's `RoundReport` (aggregate.py) and nothing else: a hidden
cell stays hidden here ("< k", no number), and only the round total of an item is shown, never
a role or unit cell. The round is the newest one whose report shows anything, which is never
a round still open (aggregate.py shows nothing of those) nor one under k.

`StaffView` is plain data with a JSON form: a closed sprint freezes it in its document
(workshop/sprints/document.py, schema version 3), so its summary keeps what the staff said then.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import format_decimal, format_percent, lazy_pgettext

from workshop.accounts.models import Workspace
from workshop.competence import services
from workshop.competence.aggregate import ALL, OTHER, Figures, RoundReport
from workshop.competence.models import Round
from workshop.competence.round_labels import EVERYONE
from workshop.data_files import Text

# Flags for these groups are named by the app, not by the bank's role list: as the report names
# them, so a coaching target reads the same beside the points and in the report.
GROUP_LABELS = {ALL: EVERYONE, OTHER: lazy_pgettext("survey group", "Other")}


@dataclass(frozen=True)
class StaffItem:
    """One survey item linked to a step: the round's total for it, or nothing when hidden."""

    id: str
    level: str
    text: Text
    n: int | None  # None: the cell is hidden ("< k") and carries no figure at all
    mean: float | None
    coaching_share: float | None
    flagged_for: tuple[str, ...]  # role ids, OTHER or ALL: a coaching target for them
    # "" when the item is linked to the step itself; otherwise the category key of a critical
    # point on the step that the item is about (how a custom journey's steps meet the survey);
    # only gaps come that way.
    via: str = ""

    @property
    def shown(self) -> bool:
        return self.n is not None

    @property
    def gap(self) -> bool:
        """True when the item is a coaching target for some group: a competence gap."""
        return bool(self.flagged_for)

    def mean_text(self) -> str:
        """The mean on the 1–5 scale as the reader's language writes it ("3,4")."""
        return format_decimal(self.mean, format="0.0") if self.mean is not None else "–"

    def coaching_text(self) -> str:
        """The share who asked for coaching as the reader's language writes it ("25 %")."""
        return format_percent(self.coaching_share or 0)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "level": self.level,
            "text": {"fi": self.text.fi, "sv": self.text.sv, "en": self.text.en},
            "n": self.n,
            "mean": self.mean,
            "coaching_share": self.coaching_share,
            "flagged_for": list(self.flagged_for),
            "via": self.via,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "StaffItem":
        text = data["text"]
        return cls(
            id=data["id"],
            level=data["level"],
            text=Text(text["fi"], text["sv"], text["en"]),
            n=data.get("n"),
            mean=data.get("mean"),
            coaching_share=data.get("coaching_share"),
            flagged_for=tuple(data.get("flagged_for", ())),
            via=data.get("via", ""),
        )


@dataclass(frozen=True)
class StaffView:
    """What one round's staff said of the items linked to some steps, by step key."""

    round_id: int
    round_name: str
    opens_on: date
    closes_on: date
    k: int
    respondents: int
    steps: tuple[tuple[str, tuple[StaffItem, ...]], ...]  # (step key, its items), keys sorted
    roles: tuple[tuple[str, Text], ...] = ()  # names of the bank's roles the flags name

    def all_for(self, key: str) -> tuple[StaffItem, ...]:
        """Every item beside a step: linked to it, then matched by its points' categories."""
        return next((items for step, items in self.steps if step == key), ())

    def items_for(self, key: str) -> tuple[StaffItem, ...]:
        """The items linked to the step itself, in the round's order."""
        return tuple(item for item in self.all_for(key) if not item.via)

    def category_items_for(self, key: str) -> tuple[StaffItem, ...]:
        """The competence gaps about the category of a critical point on the step."""
        return tuple(item for item in self.all_for(key) if item.via)

    @property
    def gaps(self) -> int:
        """How many step-item pairs are coaching targets."""
        return sum(item.gap for _key, items in self.steps for item in items)

    def group_label(self, group: str, language: str) -> str:
        """A flagged group's name: a bank role, "Other" or everyone."""
        if group in GROUP_LABELS:
            return str(GROUP_LABELS[group])
        names = dict(self.roles)
        return names[group].get(language) if group in names else group

    def flagged_text(self, item: StaffItem, language: str) -> str:
        """For whom the item is a coaching target, as a list of names."""
        return ", ".join(self.group_label(group, language) for group in item.flagged_for)

    def to_dict(self) -> dict:
        return {
            "round_id": self.round_id,
            "round_name": self.round_name,
            "opens_on": self.opens_on.isoformat(),
            "closes_on": self.closes_on.isoformat(),
            "k": self.k,
            "respondents": self.respondents,
            "steps": {key: [item.to_dict() for item in items] for key, items in self.steps},
            "roles": {
                role: {"fi": name.fi, "sv": name.sv, "en": name.en} for role, name in self.roles
            },
        }

    @classmethod
    def from_dict(cls, data: dict) -> "StaffView":
        return cls(
            round_id=data["round_id"],
            round_name=data["round_name"],
            opens_on=date.fromisoformat(data["opens_on"]),
            closes_on=date.fromisoformat(data["closes_on"]),
            k=data["k"],
            respondents=data["respondents"],
            steps=tuple(
                (key, tuple(StaffItem.from_dict(item) for item in items))
                for key, items in sorted(data.get("steps", {}).items())
            ),
            roles=tuple(
                (role, Text(name["fi"], name["sv"], name["en"]))
                for role, name in sorted(data.get("roles", {}).items())
            ),
        )


def shown_round(workspace: Workspace) -> tuple[Round, RoundReport] | None:
    """The workspace's newest round whose report shows anything, with that report.

    Rounds still open and rounds under k show nothing, so an older closed round with enough
    answers speaks until a newer one has closed with enough of its own.
    """
    for round_ in services.rounds_of(workspace):
        report = services.report_of(round_)
        if report.shown:
            return round_, report
    return None


def _item(round_item, report: RoundReport, via: str = "") -> StaffItem:
    row = report.item(round_item.item_id)
    text = Text(round_item.text_fi, round_item.text_sv, round_item.text_en)
    if row is None or not isinstance(row.total, Figures):
        return StaffItem(round_item.item_id, round_item.level, text, None, None, None, (), via)
    cell = row.total
    return StaffItem(
        id=round_item.item_id,
        level=round_item.level,
        text=text,
        n=cell.n,
        mean=cell.mean,
        coaching_share=cell.coaching_share,
        flagged_for=row.flagged_for,
        via=via,
    )


def _beside(round_, report: RoundReport, key: str, categories: Iterable[str]):
    """A step's items: those linked to it, then the competence gaps among the items about its
    points' categories. A category is broad (a dozen items may be about "communication"), so
    only its gaps stand beside the step: what matters next to a pain point, and the block stays
    short."""
    linked = [_item(item, report) for item in round_.items if key in (item.steps or ())]
    seen = {item.id for item in linked}
    for category in sorted(set(categories)):
        for item in round_.items:
            if category in (item.categories or ()) and item.item_id not in seen:
                found = _item(item, report, via=category)
                if found.gap:
                    seen.add(item.item_id)
                    linked.append(found)
    return tuple(linked)


def staff_view(
    workspace: Workspace,
    step_keys: Iterable[str],
    categories: Mapping[str, Iterable[str]] | None = None,
) -> StaffView | None:
    """The latest shown round's items linked to these steps (and, given `categories` of the
    critical points on each step by step key, the items about those categories), or None when
    no round shows anything (none closed, or under k). Another workspace's rounds are never
    read."""
    found = shown_round(workspace)
    if found is None:
        return None
    round_, report = found
    categories = categories or {}
    steps = []
    for key in sorted(set(step_keys)):
        items = _beside(round_, report, key, categories.get(key, ()))
        if items:
            steps.append((key, items))
    flagged = {g for _key, items in steps for item in items for g in item.flagged_for}
    bank = services.bank_of(round_)
    roles = tuple(
        (role.id, role.name) for role in (bank.roles if bank else ()) if role.id in flagged
    )
    return StaffView(
        round_id=round_.id,
        round_name=round_.name,
        opens_on=round_.opens_on,
        closes_on=round_.closes_on,
        k=report.k,
        respondents=report.respondents or 0,
        steps=tuple(steps),
        roles=roles,
    )
