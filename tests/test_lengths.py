"""Every text field has a stated maximum (tracker/core/lengths.py): every text column is bounded, and every
text box on every form refuses one character too many with a message on the field."""

import importlib
import pkgutil

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import FieldList, FormField, HiddenField, PasswordField, SelectFieldBase, StringField, TextAreaField
from wtforms.validators import Length

import tracker
from tests.factories import make_action, make_agency, make_user
from tracker.actions.models import ActionStatus
from tracker.core.errors import DomainError
from tracker.extensions import db
from tracker.users.models import Role

for module in pkgutil.iter_modules(tracker.__path__):
    try:
        importlib.import_module(f"tracker.{module.name}.forms")
    except ModuleNotFoundError:
        pass


def _all_forms() -> list[type[FlaskForm]]:
    found, todo = [], list(FlaskForm.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("tracker."):
            found.append(cls)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _text_fields(fields):
    for field in fields:
        if isinstance(field, FieldList):
            yield from _text_fields(field.entries)
        elif isinstance(field, FormField):
            yield from _text_fields(field.form)
        elif isinstance(field, (StringField, TextAreaField, PasswordField)) and not isinstance(field, HiddenField):
            yield field


def _filled(form_class, data: dict):
    """The form as posted with `data`; select lists the view would fill are left empty."""
    form = form_class(formdata=MultiDict(data), meta={"csrf": False})
    for field in form:
        if isinstance(field, SelectFieldBase) and getattr(field, "choices", []) is None:
            field.choices = []
    form.validate()
    return form


def _limit(field) -> Length | None:
    return next((v for v in field.validators if isinstance(v, Length) and v.max not in (None, -1)), None)


FORMS = _all_forms()


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"SignInForm", "ActionForm", "DecisionForm", "SubmitForm", "CloseForm", "ReviewForm"} <= names
    assert len(FORMS) > 30


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__.split('.')[1]}.{c.__name__}")
def test_every_text_box_states_its_maximum_and_says_so_when_it_is_passed(app, form_class):
    with app.test_request_context(method="POST"):
        fields = list(_text_fields(form_class(formdata=MultiDict(), meta={"csrf": False})))
        for field in fields:
            length = _limit(field)
            assert length is not None, f"{form_class.__name__}.{field.name} has no maximum length"
            [same] = [f for f in _text_fields(_filled(form_class, {field.name: "9" * (length.max + 1)}))
                      if f.name == field.name]
            assert length.message in same.errors, (form_class.__name__, field.name, same.errors)
            assert "characters or fewer" in length.message or "whole number" in length.message
            # Exactly the maximum is not refused for its length.
            [same] = [f for f in _text_fields(_filled(form_class, {field.name: "9" * length.max}))
                      if f.name == field.name]
            assert length.message not in same.errors


def test_no_text_column_is_unbounded(app):
    unbounded = [f"{table.name}.{column.name}" for table in db.metadata.sorted_tables for column in table.columns
                 if isinstance(column.type, sa.String) and not column.type.length]
    assert unbounded == []


def test_an_over_long_submission_note_is_a_message_on_the_form_and_nothing_is_lost(app, client, login_as):
    lead = make_user(Role.AGENCY_LEAD)
    action = make_action(owner=lead.agency, lead=lead, status=ActionStatus.OPEN)
    db.session.commit()
    login_as(Role.AGENCY_LEAD, user=lead)
    note = "Evidence attached. " * 300  # 5,700 characters
    page = client.post(f"/actions/{action.id}/submit", data={"note": note})
    text = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "The note must be 5,000 characters or fewer" in text
    assert "Evidence attached. Evidence attached." in text  # what was typed is shown back
    db.session.refresh(action)
    assert action.status == ActionStatus.OPEN


def test_an_imported_item_over_the_limit_is_named_and_nothing_is_kept(app, today):
    from tracker.imports import services as imports
    from tracker.recommendations.models import Recommendation

    items = [{"kind": "recommendation", "number": "1", "text": "All agencies should share.", "agencies": []},
             {"kind": "recommendation", "number": "2", "text": "S" * 20999, "agencies": []}]
    make_agency(kind="partnership")  # the owner of recommendations that name none
    db.session.commit()
    with pytest.raises(DomainError, match=r"Item 2: the recommendation is 20,999 characters long; the most is 20,000"):
        imports.confirm_items(items=items, review=None, new_review={"title": "Child Z"}, today=today)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recommendation)) == 0
