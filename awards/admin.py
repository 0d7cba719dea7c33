"""Admin for award types (named as conferred; offices propose them, superusers confirm,
rename or merge them) and the awards granted to places, pairs of partners and people."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from cities.admin import FromRelationshipFormSet, RelationshipAdmin
from offices.admin_mixins import EditableFilter, OfficeInlineMixin, RegistryAdmin
from offices.rules import office_of
from utilities.admin.display import admin_link, changelist_link, label, partial_date_column
from utilities.admin.filters import chinese_place_filter, year_filter
from utilities.admin.records import ReferenceDataAdmin
from utilities.partial_dates import partial_date_order

from . import services
from .models import Award, AwardType, AwardTypeAlias
from .passages import AwardPassageMixin
from .resources import AwardResource, AwardTypeResource


class AwardTypeChoiceField(forms.ModelChoiceField):
    """An award type picked by its full label: name (and "proposed"), other spellings,
    conferring body and description, so that look-alike names can be told apart."""

    def label_from_instance(self, obj):
        return obj.picker_label()


def award_type_choices():
    return AwardType.objects.prefetch_related("aliases").order_by("level", "name_zh")


class AwardTypeForm(forms.ModelForm):
    merge_into = AwardTypeChoiceField(
        label=_("合并到"),
        queryset=AwardType.objects.none(),
        required=False,
        help_text=_(
            "与另一奖项类型是同一奖项时选择：本类型的获奖记录移到那里，本名称成为那里的别名，"
            "本类型删除（历史保留）。"
        ),
    )

    class Meta:
        model = AwardType
        fields = [
            "name_zh", "name_en", "level", "conferred_by_zh", "conferred_by_en",
            "description_zh", "description_en", "notes", "status", "predecessor",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "merge_into" in self.fields:
            others = award_type_choices()
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            self.fields["merge_into"].queryset = others


class AwardTypeAliasInline(admin.TabularInline):
    model = AwardTypeAlias
    fields = ["name", "note"]
    extra = 0
    verbose_name_plural = _("别名（报告中的其他写法）")

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(AwardType)
class AwardTypeAdmin(ReferenceDataAdmin, SimpleHistoryAdmin):
    form = AwardTypeForm
    list_display = [
        "name_zh",
        "name_en",
        "status_display",
        "level_display",
        "conferred_by_zh",
        "aliases_display",
        "predecessor_link",
        "award_count",
    ]
    list_filter = ["status", "level"]
    search_fields = [
        "name_zh",
        "name_en",
        "conferred_by_zh",
        "conferred_by_en",
        "aliases__name",
        "description_zh",
        "description_en",
    ]
    search_help_text = _("按名称、别名、颁发机构或简介查找。")
    autocomplete_fields = ["predecessor"]
    list_select_related = ["predecessor"]
    inlines = [AwardTypeAliasInline]
    actions = ["confirm_selected"]
    resource_classes = [AwardTypeResource]
    ordering = ["level", "name_zh"]
    proposal_fields = [
        "name_zh",
        "name_en",
        "level",
        "conferred_by_zh",
        "conferred_by_en",
        "description_zh",
        "description_en",
        "notes",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_awards=Count("awards"))
            .prefetch_related("aliases")
        )

    # An office proposes: it may add (as "proposed"), never change or delete.
    def has_add_permission(self, request):
        return request.user.is_superuser or office_of(request.user) is not None

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            fields = [*self.proposal_fields, "status", "predecessor"]
            if obj is not None:
                fields.append("merge_into")
            return [(None, {"fields": fields})]
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": self.proposal_fields,
                        "description": _(
                            "新增的奖项类型为“待确认”，由系统管理员确认（或与已有奖项合并、改名）。"
                            "请先在下拉列表和别名中确认没有同一奖项的其他写法。"
                        ),
                    },
                )
            ]
        return [(None, {"fields": [*self.proposal_fields, "status", "predecessor"]})]

    def get_inlines(self, request, obj):
        return self.inlines if request.user.is_superuser else []

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("confirm_selected", None)
        return actions

    def save_model(self, request, obj, form, change):
        services.prepare_award_type(obj, request.user)
        obj._history_user = request.user
        old_name = form.initial.get("name_zh") if change else None
        super().save_model(request, obj, form, change)
        if change and old_name and old_name != obj.name_zh:
            services.keep_old_name(obj, old_name, request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        target = form.cleaned_data.get("merge_into")
        if target is not None:
            moved = services.merge_award_types(form.instance, target, request.user)
            request.merged_into = target
            self.message_user(
                request,
                gettext("已合并到“%(target)s”：移动 %(count)s 条获奖记录，原名称成为别名。")
                % {"target": target.display_name(), "count": moved},
                messages.SUCCESS,
            )

    def response_change(self, request, obj):
        target = getattr(request, "merged_into", None)
        if target is not None:
            return HttpResponseRedirect(reverse("admin:awards_awardtype_change", args=[target.pk]))
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        if obj.is_proposed:
            self.message_user(
                request,
                gettext("已提交奖项类型“%(name)s”，待系统管理员确认；现在即可在获奖记录中选用。")
                % {"name": obj.display_name()},
                messages.INFO,
            )
        return super().response_add(request, obj, post_url_continue)

    @admin.action(description=_("确认所选奖项类型"))
    def confirm_selected(self, request, queryset):
        count = services.confirm_award_types(queryset, request.user)
        self.message_user(
            request, gettext("已确认 %(count)s 个奖项类型。") % {"count": count}, messages.SUCCESS
        )

    @admin.display(description=_("状态"), ordering="status")
    def status_display(self, obj):
        return label(obj.status, obj.get_status_display())

    @admin.display(description=_("别名"))
    def aliases_display(self, obj):
        return "、".join(alias.name for alias in obj.aliases.all()) or "—"

    @admin.display(description=_("级别"), ordering="level")
    def level_display(self, obj):
        return label(obj.level, obj.get_level_display())

    @admin.display(description=_("曾用名"))
    def predecessor_link(self, obj):
        return admin_link(obj.predecessor) if obj.predecessor_id else "—"

    @admin.display(description=_("获奖"), ordering="n_awards")
    def award_count(self, obj):
        return changelist_link(Award, obj.n_awards, award_type__id__exact=obj.pk)


@admin.register(Award)
class AwardAdmin(AwardPassageMixin, RegistryAdmin):
    list_display = [
        "__str__",
        "award_type_link",
        "recipient_kind_display",
        "recipient_display",
        "chinese_link",
        "conferred_display",
    ]
    list_filter = [
        EditableFilter,
        chinese_place_filter("chinese_place"),
        ("award_type__level", admin.ChoicesFieldListFilter),
        "recipient_kind",
        ("award_type", admin.RelatedOnlyFieldListFilter),
        year_filter("conferred_year", _("授予年份")),
    ]
    search_fields = [
        "person_name",
        "notes",
        "award_type__name_zh",
        "award_type__name_en",
        "award_type__aliases__name",
    ]
    search_key_paths = ["chinese_place", "place", "relationship__foreign_place"]
    search_help_text = _("按奖项、获奖人或相关地名（简繁体、英文、拼音或别名）查找。")
    # The award type is a select whose labels tell look-alike names apart (see
    # AwardTypeChoiceField); the places and citations are searched.
    autocomplete_fields = ["chinese_place", "place", "relationship", "citations"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "award_type",
                    "chinese_place",
                    ("conferred_year", "conferred_month", "conferred_day"),
                ]
            },
        ),
        (
            _("获奖者（只填一种）"),
            {
                "fields": [
                    "recipient_kind",
                    "place",
                    "relationship",
                    "person_name",
                    ("person_count", "country_count"),
                ]
            },
        ),
        (_("来源与说明"), {"fields": ["citations", "notes", "editors_note"]}),
    ]
    resource_classes = [AwardResource]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "award_type":
            kwargs["queryset"] = award_type_choices()
            kwargs["form_class"] = AwardTypeChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # Newest first; undated awards last.
    ordering = [*partial_date_order("conferred", descending=True), "-pk"]
    conferred_display = partial_date_column("conferred", _("授予日期"))

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related(
                "award_type",
                "chinese_place",
                "place",
                "relationship__chinese_place",
                "relationship__foreign_place",
            )
        )

    @admin.display(description=_("奖项"), ordering="award_type__name_zh")
    def award_type_link(self, obj):
        return admin_link(obj.award_type)

    @admin.display(description=_("获奖者类型"), ordering="recipient_kind")
    def recipient_kind_display(self, obj):
        return obj.get_recipient_kind_display()

    @admin.display(description=_("获奖者"))
    def recipient_display(self, obj):
        if obj.place_id:
            return admin_link(obj.place)
        if obj.relationship_id:
            return admin_link(obj.relationship)
        return obj.recipient_display()

    @admin.display(description=_("中方城市"), ordering="chinese_place__name_zh")
    def chinese_link(self, obj):
        return admin_link(obj.chinese_place)


# On a relationship's page: the awards to the pair.
class AwardFormSet(FromRelationshipFormSet):
    defaults = {"recipient_kind": "pair"}


class AwardInline(OfficeInlineMixin, admin.TabularInline):
    model = Award
    fk_name = "relationship"
    formset = AwardFormSet
    fields = ["award_type", "conferred_year", "conferred_month", "conferred_day", "citations"]
    autocomplete_fields = ["citations"]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "award_type":
            kwargs["queryset"] = award_type_choices()
            kwargs["form_class"] = AwardTypeChoiceField
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    show_change_link = True
    verbose_name_plural = _("获奖（授予友好城市双方）")


RelationshipAdmin.inlines = [*RelationshipAdmin.inlines, AwardInline]
