"""Columns and links in admin lists and pages: a record's link, a partial date at its own
precision, a choice as a small coloured label."""

from urllib.parse import urlencode

from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_countries import countries


def admin_url(obj, action="change"):
    if obj is None or obj.pk is None:
        return None
    opts = obj._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[obj.pk])
    except NoReverseMatch:
        return None


def admin_link(obj, text=None):
    """A link to a record's admin page ("—" for nothing)."""
    if obj is None:
        return "—"
    url = admin_url(obj)
    label = text if text is not None else str(obj)
    return format_html('<a href="{}">{}</a>', url, label) if url else label


def admin_links(objects):
    objects = list(objects)
    if not objects:
        return "—"
    return format_html_join(mark_safe("、"), "{}", ((admin_link(obj),) for obj in objects))


def changelist_link(model, text, **params):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    return format_html('<a href="{}?{}">{}</a>', url, urlencode(params), text)


def country_name(code):
    return countries.name(code) or code if code else "—"


def format_partial(date):
    """A partial date at its own precision ("1997年10月" / "October 1997"), or "—"."""
    return date.format() if date else "—"


def partial_date_column(prefix, description):
    """A list column showing ``<prefix>`` at its precision, sorted by its parts."""

    @admin.display(description=description, ordering=f"{prefix}_year")
    def column(self, obj):
        return format_partial(obj.partial_date(prefix))

    column.__name__ = f"{prefix}_display"
    return column


def label(css, text):
    """A choice shown as a small coloured label (kind, stage)."""
    return format_html('<span class="registry-label registry-label-{}">{}</span>', css, text)
