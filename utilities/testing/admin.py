"""Helpers for admin tests, taking records or models as arguments: admin URLs, the POST
data of an admin form as the page renders it (records come from ``tests/builders.py``), and
a table as the CSV file staff would upload to an import."""

import csv
import io

from django.forms import CheckboxInput
from django.urls import reverse

# The import and export forms' format choices, in the order of RegistryAdmin.formats.
CSV_FORMAT, XLSX_FORMAT = "0", "1"


def as_csv(table, encoding="utf-8"):
    """A list of rows as the bytes of a CSV file."""
    out = io.StringIO()
    csv.writer(out).writerows(table)
    return out.getvalue().encode(encoding)


def admin_url(obj_or_model, action, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


def listed(client, model, **params):
    """The admin's change list of ``model`` for the query ``params`` (it must answer 200)."""
    response = client.get(admin_url(model, "changelist"), params)
    assert response.status_code == 200
    return response


def change_url(obj):
    return admin_url(obj, "change", obj.pk)


def delete_url(obj):
    return admin_url(obj, "delete", obj.pk)


def _plain(value):
    value = getattr(value, "code", value)
    value = getattr(value, "pk", value)
    return "" if value is None else str(value)


def form_data(response):
    """The POST data an admin change (or add) page would send unchanged: the main form,
    and every inline formset with its management form."""
    data = {}

    def add(form):
        for name, field in form.fields.items():
            bound = form[name]
            value = bound.value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[bound.html_name] = "on"
                continue
            if value is None:
                continue
            if isinstance(value, (list, tuple)):
                data[bound.html_name] = [_plain(item) for item in value]
            else:
                data[bound.html_name] = _plain(value)

    add(response.context["adminform"].form)
    for inline in response.context.get("inline_admin_formsets") or []:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.initial_forms:
            add(form)
        data[f"{formset.prefix}-TOTAL_FORMS"] = str(len(formset.initial_forms))
    return data
