"""Template tags of the admin's own pages (the index's everyday tasks)."""

from django import template
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def importable_models(context):
    """Every model this user may import from a spreadsheet (its admin has a resource that
    says how): ``{"name", "url"}`` each, in the admin's order (app, then model name)."""
    request = context.get("request")
    if request is None:
        return []
    found = []
    for model, model_admin in admin.site._registry.items():
        has_import = getattr(model_admin, "has_import_permission", None)
        if not getattr(model_admin, "resource_classes", None):
            continue
        if has_import is None or not has_import(request):
            continue
        opts = model._meta
        try:
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
        except NoReverseMatch:
            continue
        found.append(((opts.app_label, str(opts.verbose_name)), str(opts.verbose_name), url))
    return [{"name": name, "url": url} for _key, name, url in sorted(found)]
