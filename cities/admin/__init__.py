"""Admin for places, relationships, their stages and reported figures: the pages
foreign-affairs staff work in after a signing or a delegation visit. Each concern has its
module; this one registers them (and is what exchanges.admin and awards.admin extend)."""

from django.contrib import admin

from ..models import (
    Claim,
    CooperationField,
    Place,
    PlaceAlias,
    Relationship,
    RelationshipStage,
    ReportedFigure,
    ReportedStatement,
    RuleAcknowledgement,
)
from .claims import ClaimAdmin, ClaimInline
from .common import CheckboxFieldsMixin
from .cooperation import CooperationFieldAdmin
from .figures import ReportedFigureAdmin, ReportedStatementAdmin
from .places import PlaceAdmin, PlaceAliasAdmin, PlaceAliasInline, SideFilter
from .relationships import AgreementYearFilter, FromRelationshipFormSet, RelationshipAdmin
from .rules import NationalRuleWarningsMixin, RuleAcknowledgementAdmin
from .stages import RelationshipStageAdmin, RelationshipStageInline

admin.site.register(Place, PlaceAdmin)
admin.site.register(PlaceAlias, PlaceAliasAdmin)
admin.site.register(CooperationField, CooperationFieldAdmin)
admin.site.register(Relationship, RelationshipAdmin)
admin.site.register(RelationshipStage, RelationshipStageAdmin)
admin.site.register(ReportedFigure, ReportedFigureAdmin)
admin.site.register(Claim, ClaimAdmin)
admin.site.register(ReportedStatement, ReportedStatementAdmin)
admin.site.register(RuleAcknowledgement, RuleAcknowledgementAdmin)

__all__ = [
    "AgreementYearFilter",
    "CheckboxFieldsMixin",
    "ClaimAdmin",
    "ClaimInline",
    "CooperationFieldAdmin",
    "FromRelationshipFormSet",
    "NationalRuleWarningsMixin",
    "PlaceAdmin",
    "PlaceAliasAdmin",
    "PlaceAliasInline",
    "RelationshipAdmin",
    "RelationshipStageAdmin",
    "RelationshipStageInline",
    "ReportedFigureAdmin",
    "ReportedStatementAdmin",
    "RuleAcknowledgementAdmin",
    "SideFilter",
]
