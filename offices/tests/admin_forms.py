"""The POST data a browser sends for an admin change page left as it is: every field the
page renders with its rendered value (disabled fields are not sent), every inline formset
with its management form as rendered."""

from django.forms import CheckboxInput
from django.forms.widgets import Input


def _widget(field):
    widget = field.widget
    return getattr(widget, "widget", widget)  # the admin's related-field wrapper


def _add(data, form):
    for name, field in form.fields.items():
        if field.disabled:
            continue  # a browser does not send a disabled input
        bound = form[name]
        value = bound.value()
        widget = _widget(field)
        if isinstance(widget, CheckboxInput):
            if widget.check_test(value):
                data[bound.html_name] = "on"
            continue
        if isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(item) for item in value]
            continue
        if isinstance(widget, Input):
            value = widget.format_value(value)
        data[bound.html_name] = "" if value is None else str(value)


def unchanged_post(response):
    """The data the change page in ``response`` sends when saved without an edit."""
    data = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        _add(data, formset.management_form)
        for form in formset.forms:
            _add(data, form)
    data["_save"] = "1"
    return data
