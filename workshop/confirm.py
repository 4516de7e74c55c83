"""The question asked before something hard to take back, when no browser script asked it."""

from flask import Response

from workshop.forms_common import ConfirmForm
from workshop.htmx import render_page


def ask_first(
    question: str,
    consequences: list[str],
    action: str,
    button: str,
    cancel: str,
    back: str,
    form: ConfirmForm | None = None,
) -> Response:
    """The confirmation page: what will happen, a confirming POST form and a way back.

    A POST that came without the confirmation answers this page too, having changed nothing.
    """
    return render_page(
        "confirm.html",
        status=422 if form is not None and form.errors else 200,
        question=question,
        consequences=consequences,
        action=action,
        button=button,
        cancel=cancel,
        back=back,
        form=form,
    )
