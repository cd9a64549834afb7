"""Base form classes shared by every blueprint: NFC input, Vietnamese messages."""

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from dankheo.messages import WTFORMS_MESSAGES
from dankheo.vietnamese import nfc

REQUIRED = "Vui lòng nhập trường này."
CHOOSE = "Vui lòng chọn một giá trị."


class _Vietnamese:
    """WTForms translations: its built-in messages, from dankheo.messages.WTFORMS_MESSAGES."""

    def gettext(self, string):
        return WTFORMS_MESSAGES.get(string, string)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


_VIETNAMESE = _Vietnamese()


def _nfc_filter(value):
    return nfc(value) if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """Every string field is NFC-normalised and stripped of control characters before
    validation, so what is saved and printed is searchable NFC text."""

    class Meta:
        locales = ("vi_VN", "vi")

        def get_translations(self, form):
            return _VIETNAMESE  # WTForms' own messages in Vietnamese (dankheo/messages.py)

        def bind_field(self, form, unbound_field, options):
            filters = list(options.pop("filters", ()) or ())
            filters.insert(0, _nfc_filter)
            field = unbound_field.bind(form=form, filters=filters, **options)
            if field.name == "csrf_token":
                # Several forms on one page would repeat id="csrf_token" (invalid HTML);
                # nothing refers to the hidden token by id, so it gets none.
                field.render_kw = {**(field.render_kw or {}), "id": False}
            return field


class EmptyForm(BaseForm):
    """Carries only the CSRF token, for one-button POSTs."""


class VersionedForm(BaseForm):
    """A form editing a record with optimistic locking: the version it was loaded at."""

    version = HiddenField()

    def version_value(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


def required(message: str = REQUIRED):
    return DataRequired(message=message)


def input_required(message: str = REQUIRED):
    return InputRequired(message=message)


def length(max_: int, min_: int = -1):
    if min_ > 0:
        return Length(min=min_, max=max_, message=f"Độ dài phải từ {min_} đến {max_} ký tự.")
    return Length(max=max_, message=f"Không quá {max_} ký tự.")


def number_range(min_=None, max_=None):
    if min_ is not None and max_ is not None:
        message = f"Giá trị phải từ {min_} đến {max_}."
    elif min_ is not None:
        message = f"Giá trị không được nhỏ hơn {min_}."
    else:
        message = f"Giá trị không được lớn hơn {max_}."
    return _SafeNumberRange(min=min_, max=max_, message=message)


class _SafeNumberRange(NumberRange):
    """WTForms' NumberRange calls math.isnan(), which raises OverflowError for integers
    beyond a float (e.g. 300 digits typed in a quota): refuse them as out of range."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except OverflowError:
            raise ValidationError(self.message) from None


optional = Optional

__all__ = [
    "CHOOSE",
    "REQUIRED",
    "BaseForm",
    "EmptyForm",
    "Field",
    "VersionedForm",
    "input_required",
    "length",
    "number_range",
    "optional",
    "required",
]
