"""Shared pieces of the CSV/XLSX import and export (django-import-export).

Spreadsheets use the words staff use: Chinese column headers (English ones are accepted on
import), places by name in any spelling the search keys know (济南 / 濟南 / Jinan, or the
slug when a name is ambiguous), choices by label, partial dates as "2019", "2019-10",
"2019-10-28" or "2019年10月28日". Every row is validated like an admin form (the model's
``full_clean()`` and the office rule) and reported with its column; a file with one bad
row writes nothing.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from import_export import fields, resources, widgets

from utilities.offices import can_change, office_of
from utilities.partial_dates import PartialDate, read_partial_date, write_partial_date
from utilities.quantities import Qualifier
from utilities.search import KEY_SEPARATOR, query_key

CHINESE_DATE = re.compile(r"^(?P<year>\d{4})年(?:(?P<month>\d{1,2})月(?:(?P<day>\d{1,2})日)?)?$")


class PlaceWidget(widgets.ForeignKeyWidget):
    """A place by slug or by any of its names (simplified, traditional, English, pinyin,
    alias); ``side`` limits the search to Chinese or foreign places."""

    def __init__(self, side=None, **kwargs):
        from cities.models import Place

        self.side = side
        super().__init__(Place, field="slug", **kwargs)

    def places(self):
        from cities.models import CHINA

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
        from django.utils import translation

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
        import datetime

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


def find_report(text):
    """A source report by slug or exact title."""
    from sources.models import SourceReport

    text = str(text or "").strip()
    if not text:
        return None
    return (
        SourceReport.objects.filter(slug=text).first()
        or SourceReport.objects.filter(title=text).first()
    )


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
        if not errors and self.user is not None and not can_change(self.user, instance):
            place = office_of(self.user)
            column = self.column_of(self.office_attribute())
            errors[column] = [
                gettext("你所在的外办（%(office)s）只能修改本市及下辖地方的记录。")
                % {"office": place.display_name()}
                if place is not None
                else gettext("你的账号不属于任何外办，只能查看记录。")
            ]
        if errors:
            raise ValidationError(errors)

    def office_attribute(self):
        lookup = getattr(self._meta.model, "office_lookup", "pk")
        return lookup.split("__")[0]

    def before_save_instance(self, instance, row, **kwargs):
        if self.user is not None:
            instance._history_user = self.user
        instance._change_reason = (
            gettext("批量导入：%(file)s") % {"file": self.file_name}
            if self.file_name
            else gettext("批量导入")
        )
        super().before_save_instance(instance, row, **kwargs)


class CitedResource(RegistryResource):
    """A resource for a record that cites its report: the "引文报告" (report slug or title)
    and "引文" (the verbatim quote) columns add a citation, created if new and checked like
    Citation.clean (the quote must be in the report)."""

    citation_report = fields.Field(column_name="引文报告")
    citation_quote = fields.Field(column_name="引文")

    english_headers = {"citation report": "引文报告", "report": "引文报告", "quote": "引文"}

    def filter_export(self, queryset, **kwargs):
        return super().filter_export(queryset, **kwargs).prefetch_related("citations__report")

    def first_citation(self, obj):
        pending = getattr(obj, "_pending_citation", None)
        if pending is not None:
            return pending
        if obj.pk is None:
            return None
        citations = list(obj.citations.all())
        return citations[0] if citations else None

    def dehydrate_citation_report(self, obj):
        citation = self.first_citation(obj)
        return citation.report.slug if citation else ""

    def dehydrate_citation_quote(self, obj):
        citation = self.first_citation(obj)
        return citation.quote if citation else ""

    def read_extras(self, instance, row):
        """Read the non-model columns; return field errors keyed by column."""
        from sources.models import Citation

        errors = {}
        instance._pending_citation = None
        report_text = str(row.get("引文报告") or "").strip()
        quote = str(row.get("引文") or "").strip()
        if not report_text and not quote:
            return errors
        if not report_text:
            errors["引文报告"] = [gettext("填写引文时须注明报告（标识或标题）。")]
            return errors
        report = find_report(report_text)
        if report is None:
            errors["引文报告"] = [gettext("找不到报告“%(report)s”。") % {"report": report_text}]
            return errors
        if not quote:
            errors["引文"] = [gettext("必须填写。")]
            return errors
        citation = Citation.objects.filter(report=report, quote=quote).first()
        if citation is None:
            citation = Citation(report=report, quote=quote)
            try:
                citation.full_clean(validate_unique=False)
            except ValidationError as error:
                for messages in error.message_dict.values():
                    errors.setdefault("引文", []).extend(messages)
                return errors
            if self.user is not None and not can_change(self.user, citation):
                errors["引文报告"] = [
                    gettext("只能引用本外办的报告来新增引文：%(report)s。")
                    % {"report": report.title}
                ]
                return errors
        instance._pending_citation = citation
        return errors

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = dict(error.message_dict)
        for key, messages in self.read_extras(instance, row).items():
            errors.setdefault(key, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def adds_citation(self, instance):
        citation = getattr(instance, "_pending_citation", None)
        if citation is None:
            return False
        if citation.pk is None or instance.pk is None:
            return True
        return not instance.citations.filter(pk=citation.pk).exists()

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.adds_citation(instance):
            return False
        return super().skip_row(instance, original, row, import_validation_errors)

    def save_citation(self, instance):
        citation = getattr(instance, "_pending_citation", None)
        if citation is None:
            return None
        if citation.pk is None:
            citation._history_user = self.user
            citation._change_reason = instance._change_reason
            citation.save()
        instance.citations.add(citation)
        return citation

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.save_citation(instance)
