"""Forms of notifications: the person's e-mail address and how it wants e-mail per kind."""

import re

from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from dankheo.forms import BaseForm, length
from dankheo.models.notifications import KIND_LABELS, MAIL_MODE_LABELS, MailMode, NotificationKind

MODE_CHOICES = [SelectChoice(m.value, MAIL_MODE_LABELS[m]) for m in MailMode]


def _email(form, field) -> None:
    if field.data and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", field.data):
        raise ValidationError("Địa chỉ thư điện tử không hợp lệ.")


def field_name(kind: NotificationKind) -> str:
    return f"mode_{kind.value}"


class _PreferencesBase(BaseForm):
    email = StringField(
        "Thư điện tử nhận thông báo",
        validators=[length(200), _email],
        description="Để trống: chỉ xem thông báo trong hệ thống.",
        render_kw={"autocomplete": "email", "type": "email"},
    )

    def modes(self) -> dict[NotificationKind, MailMode]:
        return {kind: MailMode(getattr(self, field_name(kind)).data) for kind in NotificationKind}


# One select per kind, built from the kinds so a new kind appears on the page by itself.
PreferencesForm = type(
    "PreferencesForm",
    (_PreferencesBase,),
    {
        field_name(kind): SelectField(KIND_LABELS[kind], choices=MODE_CHOICES)
        for kind in NotificationKind
    },
)
