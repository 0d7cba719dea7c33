"""The base of every registry resource (django-import-export): Chinese headers (English
accepted), errors reported by column, the office rule on every row (``write_refusal``,
which ``offices.resources.OfficeResource`` fills in), history with who and which file, and
no partial imports."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, pgettext
from import_export import resources

from .errors import ImportRefused


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


# The msgctxt of the column names' translations (locale/en): a header is not a label.
COLUMN_CONTEXT = "spreadsheet column"


def column_label(column_name):
    """A column's header in the active language: 中方地方 in Chinese, "Chinese place" in
    English. Files are read in either language (``RegistryResource.column_names``)."""
    return pgettext(COLUMN_CONTEXT, column_name)


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
        self.check_columns(dataset.headers)
        # A file with one bad row writes nothing, whichever path runs the import.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, **kwargs)

    def get_export_headers(self, selected_fields=None):
        """The headers in the page's language (an English export reads in English)."""
        return [column_label(name) for name in super().get_export_headers(selected_fields)]

    def get_diff_headers(self):
        return [column_label(name) for name in super().get_diff_headers()]

    def column_names(self, headers):
        """The header row with English headers (as an English export writes them, or the
        resource's ``english_headers``) given their Chinese column names."""
        with translation.override("en"):
            english = {
                column_label(field.column_name).strip().lower(): field.column_name
                for field in self.fields.values()
            }
        english.update(self.english_headers)
        return [
            english.get(str(header).strip().lower(), str(header).strip())
            if header is not None
            else header
            for header in headers or []
        ]

    def check_columns(self, headers):
        """Refuse a file whose header row is not this resource's, naming the columns that
        are missing and those not recognised, with the expected and the found columns. An
        exported file's read-only columns are recognised; blank headers are ignored."""
        found = [name for name in self.column_names(headers) if name not in (None, "")]
        known = {field.column_name for field in self.fields.values()}
        required = [
            self.fields[name].column_name
            for name in self.get_import_id_fields()
            if name in self.fields and self.fields[name].attribute != "id"
        ]
        missing = [name for name in required if name not in found]
        unknown = [name for name in found if name not in known]
        if not missing and not unknown and found:
            return
        expected = [field.column_name for field in self.get_import_fields() if not field.readonly]
        problems = []
        if missing:
            problems.append(gettext("缺少：%(names)s") % {"names": "、".join(missing)})
        if unknown:
            problems.append(gettext("无法识别：%(names)s") % {"names": "、".join(unknown)})
        raise ImportRefused(
            gettext("表格的列不对（%(problems)s）。应有的列：%(expected)s；文件中的列：%(found)s。")
            % {
                "problems": "；".join(problems) or gettext("没有列名"),
                "expected": "、".join(expected),
                "found": "、".join(str(name) for name in found) or gettext("（无）"),
            }
        )

    def before_import(self, dataset, **kwargs):
        self.user = kwargs.get("user")
        self.file_name = kwargs.get("file_name")
        if dataset.headers:
            dataset.headers = self.column_names(dataset.headers)
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
