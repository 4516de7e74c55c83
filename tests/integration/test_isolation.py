"""Tests share one app and one database, yet each sees only its own: what one test committed
(itself or through a request), or changed in the app's settings, the next one does not find."""

import pytest
from sqlalchemy import func, select

from workshop.accounts.models import Workspace
from workshop.extensions import db


# Twice, one after the other in one process (xdist keeps the group together): whichever runs
# second would find the rows and the setting the first one left.
@pytest.mark.xdist_group("isolation")
@pytest.mark.parametrize("turn", ["first", "second"])
def test_a_test_starts_with_no_rows_and_the_usual_settings(turn, app, client, make_team, login):
    counts = {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }
    assert counts == dict.fromkeys(counts, 0)
    assert app.config["WTF_CSRF_ENABLED"] is False

    team = make_team()
    login(team.facilitator)
    response = client.post("/workspaces/new", data={"name": f"Uusi ({turn})", "description": ""})
    assert response.status_code == 303
    app.config["WTF_CSRF_ENABLED"] = True
    assert db.session.scalar(select(func.count(Workspace.id))) == 2
