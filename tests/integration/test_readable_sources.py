"""A template's sources in the journey's language, and web addresses shown as people read
them (ä, not %C3%A4) while the links keep the address as given."""

from sqlalchemy import select

from tests.conftest import page, template_journey
from workshop.critical_points import services as points
from workshop.extensions import db
from workshop.journeys.models import StepSuggestion

LAPPIA = "http://www.lappia.fi/lappia/kehitt%C3%A4mistoiminta/hankkeet/hankkeen-tiedot?projID=2247"


def test_a_confirmed_suggestion_names_its_source_in_finnish_with_a_readable_address(
    client, login, make_team
):
    team = make_team("Fiia Fasilitaattori", "Opisto", observer=None)
    journey = template_journey(team["workspace"], team["facilitator"], "Oppisopimuspolku", "fi")
    suggestion = db.session.scalar(
        select(StepSuggestion).where(StepSuggestion.source_url == LAPPIA).limit(1)
    )
    assert suggestion.source_title.startswith("Lappia: Parasta palvelua -hankkeen kuvaus")
    point = points.confirm_suggestion(team["workspace"], journey, suggestion, team["facilitator"])
    db.session.commit()

    login(team["facilitator"])
    html = page(client.get(f"/w/{team['workspace'].id}/journeys/{journey.id}/points/{point.id}"))
    link = html.select_one(f'.facts a[href="{LAPPIA}"]')
    assert link.get_text() == LAPPIA.replace("%C3%A4", "ä")
