"""Shared pieces of the CSV/XLSX import and export (django-import-export).

Spreadsheets use the words staff use: Chinese column headers (English ones are accepted on
import), places by name in any spelling the search keys know (济南 / 濟南 / Jinan, or the
slug when a name is ambiguous), choices by label, partial dates as "2019", "2019-10",
"2019-10-28" or "2019年10月28日". Every row is validated like an admin form (the model's
``full_clean()``, and the office rule through ``write_refusal``, which
``offices.resources.OfficeResource`` fills in) and reported with its column; a file with
one bad row writes nothing. Nothing here knows an app: a place widget is given its model.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from utilities.countries import CHINA
from utilities.partial_dates import PartialDate, read_partial_date, write_partial_date
from utilities.quantities import Qualifier
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


class PartialDateField(fields.Field):
    """The three ``<prefix>_year/_month/_day`` columns as one spreadsheet column."""

    def __init__(self, prefix, column_name, **kwargs):
        self.prefix = prefix
        super().__init__(
            attribute=f"{prefix}_year",
            column_name=column_name,
            widget=PartialDateWidget(),
            **kwargs,
        )

    def get_value(self, instance):
        return read_partial_date(instance, self.prefix)

    def save(self, instance, row, is_m2m=False, **kwargs):
        write_partial_date(instance, self.prefix, self.clean(row, **kwargs))


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


class RegistryDiff(resources.Diff):
    """The preview's columns as the export shows them (computed columns included: the
    country, the agreement date, the citation)."""

    def __init__(self, resource, instance, new):
        super().__init__(resource, instance, new)
        self.left = self.values(resource, instance)

    def compare_with(self, resource, instance):
        self.right = self.values(resource, instance)

    @staticmethod
    def values(resource, instance):
        return [resource.export_field(field, instance) for field in resource.get_import_fields()]


class RegistryResource(resources.ModelResource):
    """The base of every resource: Chinese headers (English accepted), errors reported by
    column, the office rule on every row, history with who and which file, and no partial
    imports."""

    # English headers accepted on import, mapped to the Chinese column names.
    english_headers = {}

    class Meta:
        use_transactions = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.user = None
        self.file_name = None

    def get_diff_class(self):
        return RegistryDiff

    # The whole import --------------------------------------------------------------
    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        # A file with one bad row writes nothing, whichever path runs the import.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.file_name = kwargs.get("file_name")
        if dataset.headers:
            dataset.headers = [
                self.english_headers.get(str(header).strip().lower(), str(header).strip())
                if header is not None
                else header
                for header in dataset.headers
            ]
        super().before_import(dataset, **kwargs)

    # One row ---------------------------------------------------------------------------
    def get_instance(self, instance_loader, row):
        """A row names its record by id or by the natural key; a key that does not resolve
        (an unknown place) makes a new record whose field errors say why."""
        try:
            return super().get_instance(instance_loader, row)
        except (ValueError, ValidationError):
            return None

    def column_of(self, attribute):
        for field in self.fields.values():
            if field.attribute == attribute:
                return field.column_name
        return attribute

    def by_column(self, errors):
        return {
            (self.column_of(key) if key != "__all__" else key): value
            for key, value in errors.items()
        }

    def import_instance(self, instance, row, **kwargs):
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            raise ValidationError(self.by_column(error.message_dict)) from None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        attributes = {field.attribute for field in self.fields.values()}
        # Fields already in error are not cleaned again (their value is not set).
        exclude = {key for key in attributes if key and self.column_of(key) in errors}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as error:
            for key, messages in self.by_column(error.message_dict).items():
                errors.setdefault(key, []).extend(messages)
        if not errors and self.user is not None:
            refusal = self.write_refusal(instance)
            if refusal is not None:
                errors[self.column_of(self.refusal_attribute())] = [refusal]
        if errors:
            raise ValidationError(errors)

    def write_refusal(self, instance):
        """Why the importing user may not write this row, or None (the office rule:
        ``offices.resources.OfficeResource``)."""
        return None

    def refusal_attribute(self):
        """The attribute whose column shows a refusal."""
        return None

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None:
            instance._history_user = self.user
        instance._change_reason = (
            gettext("批量导入：%(file)s") % {"file": self.file_name}
            if self.file_name
            else gettext("批量导入")
        )
        super().before_save_instance(instance, row, **kwargs)
