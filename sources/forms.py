"""The admin form that registers a report in one step: paste the text or upload a
``.txt`` / ``.docx`` file, fill in the metadata; the slug is made from the city and date
when left empty. The text is normalised and duplicates refused by the model
(``SourceReport.clean``), as on every other write path."""

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from offices.forms import OfficeRecordForm

from .documents import UnreadableDocument, read_document
from .models import SourceReport

NO_TEXT = _("请粘贴报告全文，或上传 .txt / .docx 文件。")


def free_slug(base):
    """``base``, or ``base-2``, ``base-3``… whichever no report has (in any case)."""
    slug, n = base, 1
    while SourceReport.objects.filter(slug__iexact=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


class SourceReportForm(OfficeRecordForm):
    upload = forms.FileField(
        label=_("或上传文件"),
        required=False,
        help_text=_("纯文本（.txt，UTF-8 或 GB18030）或 Word（.docx）文件；全文取自文件。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx"}),
    )

    class Meta:
        model = SourceReport
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("slug", "text"):
            if name in self.fields and not self.fields[name].disabled:
                self.fields[name].required = False
        if "slug" in self.fields:
            self.fields["slug"].help_text = _("网址中的标识；留空时由城市和发布日期生成。")

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        if upload:
            try:
                cleaned["text"] = read_document(upload)
            except UnreadableDocument as error:
                self.add_error("upload", str(error))
        if "text" in self.fields and not (cleaned.get("text") or "").strip():
            if "upload" not in self._errors:
                self.add_error("text", NO_TEXT)
        if "slug" in self.fields and not cleaned.get("slug") and cleaned.get("chinese_place"):
            place = cleaned["chinese_place"]
            parts = [place.slug or slugify(place.name_en) or "report"]
            parts += [
                str(cleaned[name])
                for name in ("published_year", "published_month", "published_day")
                if cleaned.get(name)
            ]
            cleaned["slug"] = free_slug("-".join(parts))[:100]
        return cleaned
