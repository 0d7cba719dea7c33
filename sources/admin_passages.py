""" "Record from this passage": an admin add form opened from a quote of a report
(``?passage=<citation id>``) comes prefilled from what the passage states, with the quote
attached as its citation. The clerk sees every value in the form and confirms or corrects
it; nothing is saved until they press Save.

:class:`FromPassageMixin` is the one mechanism: each app's admin says how the parsed
passage (``sources.passages``) fills its own fields (``initial_from_passage``) and inline
rows (``inline_initial_from_passage``), and which matchers recognise places and award
types (``passage_matchers``), so an app above ``sources`` plugs its records in.
"""

from django.contrib import messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Citation
from .passages import parse_passage

PASSAGE = "passage"
PREFILLED = _("已按所选原文预填（引文已附上）：请逐项核对、更正后再保存。")
NEW_PLACE = _("原文中的“%(name)s”不在登记册中：")
NEW_PLACE_LINK = _("在新窗口中新建这个地方（建好后刷新本页）")
NEW_AWARD = _("原文中的奖项“%(name)s”不在奖项类型中。")
NEW_AWARD_LINK = _("在新窗口中提议这个奖项类型（由管理员确认；提议后刷新本页）")


class FromPassageMixin:
    """An admin whose add form can start from a passage of a report."""

    def passage_matchers(self, request, citation):
        """Keyword arguments of ``parse_passage``: ``places``, ``award_types``,
        ``countries``."""
        return {}

    def initial_from_passage(self, request, citation, passage):
        return {}

    def inline_initial_from_passage(self, request, inline, citation, passage):
        return []

    def new_place_url(self, name, country):
        return None

    def new_award_type_url(self, name):
        return None

    def passage(self, request):
        """The citation named by ``?passage=`` and its parsed passage, or None. Any quote
        may be read (attaching one changes nothing); the office rule applies on save."""
        if request.method != "GET":
            return None
        cached = getattr(request, "_registry_passage", False)
        if cached is not False:
            return cached
        found = None
        value = request.GET.get(PASSAGE, "")
        if value.isdigit():
            citation = Citation.objects.select_related("report").filter(pk=int(value)).first()
            if citation is not None:
                passage = parse_passage(
                    citation.quote,
                    citation.report.published,
                    **self.passage_matchers(request, citation),
                )
                found = (citation, passage)
        request._registry_passage = found
        return found

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.pop(PASSAGE, None)
        found = self.passage(request)
        if found is None:
            return initial
        citation, passage = found
        initial["citations"] = [citation.pk]
        for name, value in self.initial_from_passage(request, citation, passage).items():
            if value not in (None, "", []):
                initial[name] = value
        return initial

    def get_formsets_with_inlines(self, request, obj=None):
        found = self.passage(request) if obj is None else None
        for inline in self.get_inline_instances(request, obj):
            rows = []
            if found is not None:
                rows = self.inline_initial_from_passage(request, inline, *found)
            if rows:
                inline._passage_rows = rows
                yield inline.get_formset(request, obj, extra=len(rows)), inline
            else:
                inline._passage_rows = []
                yield inline.get_formset(request, obj), inline

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        rows = getattr(inline, "_passage_rows", [])
        if request.method == "GET" and rows:
            kwargs["initial"] = rows
        return kwargs

    def response_add(self, request, obj, post_url_continue=None):
        """Saved from a passage (the form posts to its own address, ``?passage=`` kept):
        back to the passage in the report's reader, to record the next fact."""
        response = super().response_add(request, obj, post_url_continue)
        value = request.GET.get(PASSAGE, "")
        if (
            value.isdigit()
            and "_save" in request.POST
            and IS_POPUP_VAR not in request.POST
            and response.status_code == 302
        ):
            citation = Citation.objects.filter(pk=int(value)).first()
            if citation is not None:
                reader = reverse("admin:sources_sourcereport_read", args=[citation.report_id])
                return HttpResponseRedirect(f"{reader}?citation={citation.pk}#passage")
        return response

    def add_view(self, request, form_url="", extra_context=None):
        found = self.passage(request)
        if found is not None:
            _citation, passage = found
            messages.info(request, PREFILLED)
            for name, country in passage.new_places:
                url = self.new_place_url(name.text, country)
                if url:
                    messages.warning(
                        request,
                        format_html(
                            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
                            NEW_PLACE % {"name": name.text},
                            url,
                            NEW_PLACE_LINK,
                        ),
                    )
            for name in passage.new_awards:
                url = self.new_award_type_url(name.text)
                if url:
                    messages.warning(
                        request,
                        format_html(
                            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
                            NEW_AWARD % {"name": name.text},
                            url,
                            NEW_AWARD_LINK,
                        ),
                    )
                else:
                    messages.warning(request, NEW_AWARD % {"name": name.text})
        return super().add_view(request, form_url, extra_context)
