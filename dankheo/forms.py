"""Base form classes shared by every blueprint: NFC input, Vietnamese messages."""

from flask_wtf import FlaskForm
from wtforms import Field, HiddenField
from wtforms import IntegerField as _IntegerField
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
from dankheo.web.params import parse_id, parse_int

REQUIRED = "Vui lòng nhập trường này."
CHOOSE = "Vui lòng chọn một giá trị."
INTEGER = "Vui lòng nhập một số nguyên (chỉ gồm các chữ số 0–9)."


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


# What a form without a readable version claims to have loaded: no record ever has it,
# so the service's version check refuses the edit exactly as it refuses a stale one (and
# at the same point: after the permission checks, which keep their 403).
MISSING_VERSION = -1


class VersionedForm(BaseForm):
    """A form editing a record with optimistic locking: the version it was loaded at.

    A missing or unreadable version is refused like a stale one: without it the service
    cannot tell whether someone saved in between, and an edit that cannot be checked
    must not silently overwrite."""

    version = HiddenField()

    def version_value(self) -> int:
        """The version the request carried. Only what was posted counts: a form built
        with ``obj=record`` fills a field missing from the post with the record's own
        (current) version, which would make an edit without a version look fresh."""
        raw = self.version.raw_data
        version = parse_int(raw[0], lo=0, hi=2**31 - 1) if raw else None
        return MISSING_VERSION if version is None else version


class IntegerField(_IntegerField):
    """WTForms' IntegerField through the one integer parser (web.params.parse_int):
    ASCII digits only, at most 18 of them; anything else is a field error."""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = valuelist[0]
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            self.data = None
            return
        self.data = parse_int(raw)
        if self.data is None:
            raise ValueError(INTEGER)


def coerce_id(value) -> int:
    """``coerce`` of a select of ids: an id, or ValueError (WTForms: not a valid choice)."""
    number = parse_id(value)
    if number is None:
        raise ValueError(CHOOSE)
    return number


def coerce_id_or_none(value) -> int | None:
    """``coerce`` of a select of ids whose empty choice means none."""
    if value in (None, "", "None"):
        return None
    return coerce_id(value)


def coerce_id_or_zero(value) -> int:
    """``coerce`` of a select whose unreadable value means "nothing chosen" (0)."""
    return parse_id(value) or 0


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
    "MISSING_VERSION",
    "REQUIRED",
    "BaseForm",
    "EmptyForm",
    "Field",
    "IntegerField",
    "VersionedForm",
    "coerce_id",
    "coerce_id_or_none",
    "coerce_id_or_zero",
    "input_required",
    "length",
    "number_range",
    "optional",
    "required",
]
