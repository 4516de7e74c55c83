"""What a journey board shows of critical points; create_app hands it to the journeys domain
(see `workshop/journeys/board_points.py`)."""

from workshop.critical_points import services
from workshop.critical_points.forms import read_filters
from workshop.journeys.board_points import BoardPoints


def board_points(workspace, journey) -> BoardPoints:
    """The filter form from the query string, the heat map switch and the step badges."""
    form, filters = read_filters(workspace)
    return BoardPoints(
        filters_form=form,
        filters=filters,
        heat=form.view.data == "heat",
        # A renamed category changes the filter's choices but not the journey's version.
        cache_key=tuple(str(choice.label) for choice in form.category.choices),
        badges=lambda: {
            "summaries": services.step_summaries(journey, filters),
            "suggestion_counts": services.open_suggestion_counts(journey),
        },
    )
