"""Import and export in the admin that cannot hurt the server (django-import-export's
views, with the steps that read files and show errors replaced).

- The preview refuses, before any row is read, a file over the size limits
  (``utilities.resources.limits``), in an unknown encoding or not a workbook
  (``utilities.resources.formats``), or with the wrong columns (named, expected against
  found). Then every row is checked in a dry run, and nothing is written.
- The confirm step names the upload by a signed token bound to the user
  (``utilities.resources.uploads``), never a file name: a missing, forged, expired or
  another user's token is refused with a message, and nothing is read or removed. The
  upload is removed after the import or a cancel; expired uploads are removed on every
  import.
- The confirmation writes what the preview showed: when a record the preview showed
  (updated or unchanged) was changed or deleted since, nothing is written and the page
  says which and who (the token carries the versions the preview saw).
- No traceback and no database message ever reaches the page: an exception is logged
  with the request id, and staff read a sentence in their language with that id.
- Exports use the formats that write formulas as text.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportMixin
from import_export.forms import ImportForm
from import_export.results import RowResult

from utilities.resources import errors, limits, uploads
from utilities.resources.errors import ImportRefused
from utilities.resources.formats import RegistryCSV, RegistryXLSX

from .concurrency import stale_in_batch

logger = errors.logger

FORMATS = [RegistryCSV, RegistryXLSX]
# The preview's rows that name a stored record (a new row's id is the dry run's own).
STORED = {RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP, RowResult.IMPORT_TYPE_DELETE}


class UploadConfirmForm(forms.Form):
    """The confirm step: the upload's signed token, nothing else from the client."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=1000)


class ExtensionImportForm(ImportForm):
    """The upload form: the format is read from the file's extension (``.csv``, ``.xlsx``)
    unless the clerk picks one."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.format_classes = list(formats)
        field = self.fields["format"]
        field.required = False
        field.choices = [("", gettext("按文件扩展名识别")), *field.choices[1:]]
        field.help_text = gettext("一般不必选择：.csv 和 .xlsx 文件会按扩展名识别。")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None and not cleaned.get("format"):
            extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
            for index, format_class in enumerate(self.format_classes):
                if format_class().get_extension().lower() == extension:
                    cleaned["format"] = str(index)
                    break
            else:
                self.add_error(
                    "format",
                    gettext("无法从文件名“%(name)s”判断格式：请选择 CSV 或 XLSX。")
                    % {"name": upload.name},
                )
        return cleaned


def request_id(request):
    return getattr(request, "id", "-")


class SafeExportMixin:
    """Exports in the registry's formats; a binary format (XLSX) gets native values, so
    numbers stay numeric cells."""

    formats = FORMATS

    def get_export_data(self, file_format, request, queryset, **kwargs):
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=file_format.is_binary(), **kwargs
        )
        export_data = file_format.export_data(data)
        encoding = kwargs.get("encoding")
        if not file_format.is_binary() and encoding:
            export_data = export_data.encode(encoding)
        return export_data


class SafeImportMixin(ImportMixin):
    """django-import-export's import views, safe (see the module's docstring)."""

    formats = FORMATS
    import_form_class = ExtensionImportForm
    confirm_form_class = UploadConfirmForm

    # The preview ------------------------------------------------------------------------
    def import_action(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        uploads.remove_expired()
        context = self.get_import_context_data()
        import_form = self.create_import_form(request)
        resource_kwargs = self.get_import_resource_kwargs(request, form=import_form, **kwargs)
        if request.method == "POST" and import_form.is_valid():
            resource = self.choose_import_resource_class(import_form, request)(**resource_kwargs)
            resources = [resource]
            upload = import_form.cleaned_data["import_file"]
            format_index = int(import_form.cleaned_data["format"])
            try:
                limits.check_size(upload.size)
                data = b"".join(upload.chunks())
                result = self.run_import(
                    request, resource, data, format_index, upload.name, dry_run=True
                )
            except ImportRefused as refusal:
                import_form.add_error("import_file", refusal.message)
            else:
                context["result"] = result
                if not result.has_errors() and not result.has_validation_errors():
                    token = uploads.keep(
                        data,
                        request.user,
                        self.model,
                        format_index,
                        self.get_resource_index(import_form),
                        upload.name,
                        versions=self.versions_seen(result),
                    )
                    context["confirm_form"] = UploadConfirmForm(initial={"token": token})
        else:
            resources = [
                cls(**resource_kwargs) for cls in self.get_import_resource_classes(request)
            ]

        context.update(self.admin_site.each_context(request))
        context["title"] = gettext("导入")
        context["form"] = import_form
        context["opts"] = self.model._meta
        context["media"] = self.media + import_form.media
        context["fields_list"] = [
            (
                resource.get_display_name(),
                [field.column_name for field in resource.get_user_visible_fields()],
            )
            for resource in resources
        ]
        context["import_error_display"] = ("message",)
        context["limits"] = {"rows": limits.max_rows(), "bytes": limits.max_bytes()}
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.import_template_name], context)

    def run_import(self, request, resource, data, format_index, file_name, dry_run):
        """Read ``data`` in its format and import it (a dry run for the preview); every
        exception is logged and told as a sentence (``ImportRefused``)."""
        formats = self.get_import_formats()
        if not 0 <= format_index < len(formats):
            raise ImportRefused(gettext("请选择文件格式。"))
        dataset = formats[format_index]().create_dataset(data)
        limits.check_rows(dataset)
        try:
            result = resource.import_data(
                dataset,
                dry_run=dry_run,
                raise_errors=False,
                file_name=file_name,
                user=request.user,
                request=request,
                retain_instance_in_row_result=not dry_run,
            )
        except ImportRefused:
            raise
        except Exception:
            logger.exception(
                "[request %s] Import of %r into %s failed",
                request_id(request),
                file_name,
                self.model._meta.label,
            )
            raise ImportRefused(errors.unexpected(request_id(request))) from None
        self.hide_errors(result, request, file_name)
        return result

    def hide_errors(self, result, request, file_name):
        """Log each error with its traceback; leave staff a sentence in its place."""
        for error in [*result.base_errors, *(e for _n, row in result.row_errors() for e in row)]:
            exception = error.error
            if not isinstance(exception, BaseException):
                continue
            logger.error(
                "[request %s] Import of %r into %s: row %s failed",
                request_id(request),
                file_name,
                self.model._meta.label,
                error.number,
                exc_info=(type(exception), exception, exception.__traceback__),
            )
            error.error = errors.describe(exception, request_id(request))
            error.__dict__["traceback"] = ""  # the cached property, emptied

    # The confirmation ---------------------------------------------------------------------
    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        if not self.has_import_permission(request):
            raise PermissionDenied
        uploads.remove_expired()
        form = UploadConfirmForm(request.POST)
        token = form.cleaned_data["token"] if form.is_valid() else ""
        try:
            upload = uploads.find(token, request.user, self.model)
        except ImportRefused as refusal:
            messages.error(request, refusal.message)
            return HttpResponseRedirect(self.import_url())
        if "cancel" in request.POST:
            upload.remove()
            messages.info(request, gettext("已取消导入，上传的文件已删除。"))
            return HttpResponseRedirect(self.import_url())
        stale = self.changed_since_preview(upload)
        if stale:
            upload.remove()
            messages.error(
                request,
                gettext(
                    "导入没有进行，没有写入任何记录：预览之后，以下记录已被他人修改或删除。"
                    "请重新上传文件，核对新的预览后再确认。"
                ),
            )
            for line in stale:
                messages.error(request, line)
            return HttpResponseRedirect(self.import_url())
        try:
            resource_classes = self.get_import_resource_classes(request)
            resource_class = resource_classes[min(upload.resource_index, len(resource_classes) - 1)]
            resource = resource_class(**self.get_import_resource_kwargs(request, **kwargs))
            result = self.run_import(
                request, resource, upload.read(), upload.format_index, upload.file_name, False
            )
        except ImportRefused as refusal:
            messages.error(request, refusal.message)
            return HttpResponseRedirect(self.import_url())
        finally:
            upload.remove()
        return self.process_result(result, request)

    def versions_seen(self, result):
        """{pk: version} of the stored records the preview's rows name."""
        if not hasattr(self.model, "version"):
            return {}
        ids = [row.object_id for row in result.valid_rows() if row.import_type in STORED]
        return dict(self.model._base_manager.filter(pk__in=ids).values_list("pk", "version"))

    def changed_since_preview(self, upload):
        """What happened since the preview to the records it showed: a line for each
        one changed or deleted (``stale_in_batch``)."""
        if not upload.versions or not hasattr(self.model, "version"):
            return []
        to_python = self.model._meta.pk.to_python
        seen = {to_python(pk): int(version) for pk, version in upload.versions.items()}
        return stale_in_batch(self.model, seen)

    def import_url(self):
        opts = self.model._meta
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name
        )

    def process_result(self, result, request):
        """After the confirmed import: if any row failed (the data changed since the
        preview), nothing was written; say so and go back to the import page."""
        if result.has_errors() or result.has_validation_errors():
            rows = {row.number for row in result.invalid_rows}
            rows |= {number for number, _errors in result.row_errors()}
            messages.error(
                request,
                gettext("导入没有完成，没有写入任何记录：第 %(rows)s 行有错误。请修改后重新上传。")
                % {"rows": "、".join(str(number) for number in sorted(rows))},
            )
            return HttpResponseRedirect(self.import_url())
        return super().process_result(result, request)
