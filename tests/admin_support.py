"""Helpers for the admin tests: office accounts made the way staff make them (the
``create_office_user`` command), fresh records of every office model inside a given city,
and the POST data of an admin form as the page renders it."""

import itertools

from django.core.management import call_command
from django.forms import CheckboxInput
from django.urls import reverse

from awards.choices import RecipientKind
from awards.models import Award, AwardType
from cities.choices import FigureMetric, PlaceLevel, RelationshipKind, Stage
from cities.models import (
    Place,
    PlaceAlias,
    Relationship,
    RelationshipStage,
    ReportedFigure,
)
from exchanges.choices import ExchangeKind
from exchanges.models import Exchange, ExchangeCount
from sources.models import Citation, SourceReport

PASSWORD = "Office-staff-2019!"
REPORT_TEXT = "测试报告：我市与测试伙伴市签署了友好城市协议书，双方在文化领域开展交流。"
_numbers = itertools.count(1)


def unique(prefix):
    return f"{prefix}-{next(_numbers)}"


def office_user(username, city):
    """An office account made with the command staff use."""
    from django.contrib.auth import get_user_model

    call_command("create_office_user", username, city=city, password=PASSWORD, verbosity=0)
    return get_user_model().objects.get(username=username)


def superuser(username="test-admin"):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    user = User.objects.filter(username=username).first()
    return user or User.objects.create_superuser(username, f"{username}@example.com", PASSWORD)


def place(slug):
    return Place.objects.get(slug=slug)


def new_foreign_place():
    slug = unique("test-partner")
    return Place.objects.create(
        slug=slug,
        name_zh=f"测试伙伴市{slug[-3:]}",
        name_en=slug,
        level=PlaceLevel.CITY,
        country="JP",
    )


def new_report(city):
    slug = unique("test-report")
    return SourceReport.objects.create(
        slug=slug, title=f"测试报告 {slug}", city=city, text=REPORT_TEXT
    )


def new_relationship(city):
    return Relationship.objects.create(
        chinese_place=city, foreign_place=new_foreign_place(), kind=RelationshipKind.SISTER
    )


def new_exchange(city):
    return Exchange.objects.create(
        title_zh=unique("测试交流"), kind=ExchangeKind.EVENT, chinese_place=city, start_year=2020
    )


# A fresh, deletable record of each office model whose Chinese side is ``city``, and the
# field an edit changes.
FACTORIES = {
    Place: lambda city: Place.objects.create(
        slug=unique("test-county"),
        name_zh="测试县",
        level=PlaceLevel.COUNTY,
        country="CN",
        parent=city,
    ),
    PlaceAlias: lambda city: PlaceAlias.objects.create(place=city, name=unique("测试别名")),
    Relationship: new_relationship,
    RelationshipStage: lambda city: RelationshipStage.objects.create(
        relationship=new_relationship(city), stage=Stage.INTENT, date_year=2020
    ),
    ReportedFigure: lambda city: ReportedFigure.objects.create(
        place=city, metric=FigureMetric.OTHER, value=3, wording="测试数字"
    ),
    SourceReport: new_report,
    Citation: lambda city: Citation.objects.create(report=new_report(city), quote=REPORT_TEXT[:12]),
    Exchange: new_exchange,
    ExchangeCount: lambda city: ExchangeCount.objects.create(
        exchange=new_exchange(city), value=3, unit_zh="名嘉宾"
    ),
    Award: lambda city: Award.objects.create(
        award_type=AwardType.objects.order_by("pk").first(),
        chinese_place=city,
        recipient_kind=RecipientKind.PLACE,
        place=new_foreign_place(),
        conferred_year=2020,
    ),
}
EDITS = {
    Place: ("name_en", "Test County (edited)"),
    PlaceAlias: ("note", "已核对"),
    Relationship: ("wording", "友好合作关系城市（已核对）"),
    RelationshipStage: ("document", "《缔结友好城市意向书》"),
    ReportedFigure: ("wording", "已核对的数字"),
    SourceReport: ("publisher", "外办（已核对）"),
    Citation: ("note", "已核对"),
    Exchange: ("title_en", "Checked exchange"),
    ExchangeCount: ("unit_en", "guests"),
    Award: ("notes", "已核对"),
}


def admin_url(obj_or_model, action, *args):
    opts = obj_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=args)


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
