"""Spreadsheet cells in the words staff use: places by any of their names, choices by
label, partial dates at the precision a report gives, several related rows by name."""

import datetime
import re

from django.utils import translation
from django.utils.translation import gettext
from import_export import widgets

from utilities.countries import CHINA
from utilities.partial_dates import PartialDate
from utilities.quantities import COUNT_INVALID, Qualifier, parse_count
from utilities.search import KEY_SEPARATOR, query_key

CHINESE_DATE = re.compile(r"^(?P<year>\d{4})年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?$")


class PlaceWidget(widgets.ForeignKeyWidget):
    """A place by slug or by any of its names (simplified, traditional, English, pinyin,
    alias); ``side`` limits the search to Chinese or foreign places."""

    def __init__(self, model, side=None, **kwargs):
        self.side = side
        super().__init__(model, field="slug", **kwargs)

    def places(self):
        places = self.model.objects.all()
        if self.side == "chinese":
            return places.filter(country=CHINA)
        if self.side == "foreign":
            return places.exclude(country=CHINA)
        return places

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        places = self.places()
        by_slug = places.filter(slug=text).first()
        if by_slug is not None:
            return by_slug
        key = query_key(text)
        if key:
            exact = list(
                places.filter(search_text__contains=f"{KEY_SEPARATOR}{key}{KEY_SEPARATOR}")
            )
            if not exact:
                exact = list(places.filter(search_text__contains=f"{KEY_SEPARATOR}{key}"))
            if len(exact) == 1:
                return exact[0]
            if len(exact) > 1:
                names = "、".join(f"{place.name_zh}（{place.slug}）" for place in exact[:5])
                raise ValueError(
                    gettext("“%(name)s”对应多个地方：%(names)s。请改填标识。")
                    % {"name": text, "names": names}
                )
        if self.side == "chinese":
            message = gettext("找不到中国地方“%(name)s”。请检查名称，或先在“地方”中添加。")
        elif self.side == "foreign":
            message = gettext("找不到外国地方“%(name)s”。请检查名称，或先在“地方”中添加。")
        else:
            message = gettext("找不到地方“%(name)s”。请检查名称，或先在“地方”中添加。")
        raise ValueError(message % {"name": text})

    def render(self, value, obj=None, **kwargs):
        return value.name_zh if value is not None else ""


class ChoiceWidget(widgets.Widget):
    """A choice by its stored value or its Chinese or English label."""

    def __init__(self, choices, blank=False, empty="", **kwargs):
        self.choices = choices
        self.blank = blank
        # What a blank cell means: "" for an optional choice, None for "keep as it is".
        self.empty = empty
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        if not text:
            if self.blank:
                return self.empty
            raise ValueError(gettext("必须填写。"))
        for stored, label in self.choices.choices:
            names = {stored.lower(), str(label).lower()}
            with translation.override("zh-hans"):
                names.add(str(label).lower())
            with translation.override("en"):
                names.add(str(label).lower())
            if text.lower() in names:
                return stored
        labels = "、".join(str(label) for _value, label in self.choices.choices)
        raise ValueError(
            gettext("“%(value)s”不是可选值（%(labels)s）。") % {"value": text, "labels": labels}
        )

    def render(self, value, obj=None, **kwargs):
        if not value:
            return ""
        try:
            return str(self.choices(value).label)
        except ValueError:
            return value


class CountWidget(widgets.IntegerWidget):
    """A count cell: a whole number, read by the same parser as the admin and the API
    (``utilities.quantities.parse_count``), so "1—2" or "12.5" is refused with the one
    message that says how to record a range, never truncated or run together."""

    def __init__(self, required=True, **kwargs):
        self.required = required
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            if self.required:
                raise ValueError(gettext("必须填写。"))
            return None
        try:
            return parse_count(value)
        except ValueError:
            raise ValueError(str(COUNT_INVALID)) from None


class PartialDateWidget(widgets.Widget):
    """ "2019", "2019-10", "2019-10-28", "2019年10月" or "2019年10月28日"; a spreadsheet
    date cell is a full date."""

    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            value = value.date()
        if isinstance(value, datetime.date):
            return PartialDate(value.year, value.month, value.day)
        if isinstance(value, (int, float)) and float(value).is_integer():
            value = str(int(value))
        text = str(value).strip()
        match = CHINESE_DATE.match(text)
        try:
            if match:
                parts = {key: int(part) for key, part in match.groupdict().items() if part}
                return PartialDate(**parts)
            return PartialDate.parse(text)
        except ValueError:
            raise ValueError(
                gettext("日期“%(value)s”无法识别：请写成 2019、2019-10 或 2019-10-28。")
                % {"value": text}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class NamesWidget(widgets.ManyToManyWidget):
    """Several related rows by name, separated by "、", "，" or ","."""

    def __init__(self, model, names=("name_zh", "name_en", "slug"), **kwargs):
        self.names = names
        super().__init__(model, field=names[0], separator=",", **kwargs)

    def clean(self, value, row=None, **kwargs):
        text = str(value or "").strip()
        if not text:
            return self.model.objects.none()
        wanted = [part.strip() for part in re.split(r"[、，,;；\n]", text) if part.strip()]
        found, unknown = [], []
        for name in wanted:
            match = None
            for field in self.names:
                match = self.model.objects.filter(**{f"{field}__iexact": name}).first()
                if match:
                    break
            (found.append(match) if match else unknown.append(name))
        if unknown:
            raise ValueError(gettext("不认识：%(names)s。") % {"names": "、".join(unknown)})
        return self.model.objects.filter(pk__in=[item.pk for item in found])

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "、".join(getattr(item, self.names[0]) for item in value.all())


def qualifier_widget():
    return ChoiceWidget(Qualifier)
