"""Two claims of one fact: a partner's own page dates the Jinzhong–Como signing to another
day than the Jinzhong report; a national roll lists another kind. Each claim is a record
with its source and citation; where they cannot all be true the relationship's page, the
API and the office dashboard show the sides, and every write path meets the same rules."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cities.choices import Claimant, ClaimSubject, RelationshipKind, Stage
from cities.models import Claim, Relationship
from sources.choices import SourceKind
from sources.models import Citation, SourceReport
from tests.builders import office_user, token_client
from utilities.models import validate_citations
from utilities.testing.admin import change_url, form_data

pytestmark = pytest.mark.django_db

PARTNER_TEXT = (
    "Provincia di Como: the friendship agreement with Jinzhong was signed on 8 November 2019. "
    "Como and Jinzhong are twinned as sister cities."
)
ROLL_TEXT = "全国友好城市名录（测试）：山西省晋中市—意大利科莫省，友好交流关系。"


@pytest.fixture
def como():
    return Relationship.objects.get(
        chinese_place__slug="jinzhong", foreign_place__slug="como-province"
    )


@pytest.fixture
def signing(como):
    return como.stages.get(stage=Stage.AGREEMENT)


@pytest.fixture
def partner_page(como):
    """The partner's own publication: a source of another kind, the passage kept."""
    report = SourceReport.objects.create(
        slug="test-como-page",
        title="Provincia di Como – Gemellaggi (test)",
        kind=SourceKind.PARTNER_PUBLICATION,
        chinese_place=como.chinese_place,
        publisher="Provincia di Como",
        url="https://example.org/como/gemellaggi",
        published_year=2020,
        text=PARTNER_TEXT,
    )
    return Citation.objects.create(report=report, quote=PARTNER_TEXT[:88])


@pytest.fixture
def roll(como):
    report = SourceReport.objects.create(
        slug="test-national-roll",
        title="全国友好城市名录（测试）",
        kind=SourceKind.NATIONAL_ROLL,
        chinese_place=como.chinese_place,
        publisher="中国人民对外友好协会",
        published_year=2021,
        text=ROLL_TEXT,
    )
    return Citation.objects.create(report=report, quote=ROLL_TEXT)


def claim(relationship, citation, **fields):
    record = Claim(relationship=relationship, **fields)
    record.full_clean()
    validate_citations(record, [citation])
    record.save()
    record.citations.set([citation])
    return record


@pytest.fixture
def partner_date(como, signing, partner_page):
    return claim(
        como,
        partner_page,
        step=signing,
        date_year=2019,
        date_month=11,
        date_day=8,
        claimant=Claimant.PARTNER,
    )


def fresh(relationship):
    return Relationship.objects.prefetch_related("claims", "stages__claims").get(pk=relationship.pk)


class TestAgreement:
    def test_two_dates_of_one_signing_are_a_disagreement(self, como, partner_date):
        step = fresh(como).stages.get(stage=Stage.AGREEMENT)
        assert step.disputed
        assert [(str(who), str(date)) for who, date in step.sides()] == [
            ("我方报告", "2019年10月28日"),
            ("外方", "2019年11月8日"),
        ]
        assert fresh(como).disputes()[0][0] == "签署协议"

    def test_a_coarser_date_that_contains_the_other_agrees(self, como, signing, partner_page):
        claim(como, partner_page, step=signing, date_year=2019, date_month=10)
        relationship = fresh(como)
        assert not relationship.stages.get(stage=Stage.AGREEMENT).disputed
        assert relationship.disputes() == []

    def test_another_kind_in_the_national_roll_is_a_disagreement(self, como, roll):
        claim(
            como,
            roll,
            subject=ClaimSubject.KIND,
            value=RelationshipKind.FRIENDLY,
            claimant=Claimant.NATIONAL_ROLL,
        )
        [(subject, sides)] = fresh(como).disputes()
        assert str(subject) == "类别"
        assert [(str(a), str(b)) for a, b in sides] == [
            ("我方报告", "友好城市"),
            ("全国名录", "友好交流城市"),
        ]


class TestRules:
    def test_a_date_claim_names_a_step_of_its_own_relationship(self, como, partner_page):
        other = Relationship.objects.exclude(pk=como.pk).filter(stages__isnull=False).first()
        record = Claim(
            relationship=como, step=other.stages.first(), date_year=2019, claimant="partner"
        )
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert "step" in error.value.message_dict

    def test_a_kind_claim_takes_a_kind(self, como):
        record = Claim(relationship=como, subject=ClaimSubject.KIND, value="twin")
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert "value" in error.value.message_dict

    def test_a_claim_cites_its_source(self, como, signing):
        record = Claim(relationship=como, step=signing, date_year=2019)
        with pytest.raises(ValidationError) as error:
            validate_citations(record, [])
        assert "citations" in error.value.message_dict

    def test_no_date_before_1973(self, como, signing):
        record = Claim(relationship=como, step=signing, date_year=1960)
        with pytest.raises(ValidationError) as error:
            record.full_clean()
        assert "date_year" in error.value.message_dict

    def test_not_after_the_cited_source(self, como, signing, partner_page):
        record = Claim(relationship=como, step=signing, date_year=2024)
        with pytest.raises(ValidationError) as error:
            validate_citations(record, [partner_page])
        assert "date_year" in error.value.message_dict


class TestPages:
    def test_the_relationship_page_shows_both_sides(self, client, como, partner_date):
        page = client.get(como.get_absolute_url()).content.decode()
        assert "来源说法不一" in page
        assert "我方报告：2019年10月28日" in page
        assert "外方：2019年11月8日" in page
        # The claim's source shows its kind beside its quote.
        assert "外方发布" in page
        assert "signed on 8 November 2019" in page

    def test_the_relationship_carries_its_own_claims_in_the_list_as_in_its_record(
        self, client, como, roll
    ):
        kind = claim(
            como,
            roll,
            subject=ClaimSubject.KIND,
            value=RelationshipKind.FRIENDLY,
            claimant=Claimant.NATIONAL_ROLL,
        )
        record = client.get(f"/api/relationships/{como.pk}/").json()
        listed = client.get("/api/relationships/", {"chinese_place": "jinzhong"}).json()
        [row] = [row for row in listed["results"] if row["id"] == como.pk]
        assert row["claims"] == record["claims"]
        [claimed] = row["claims"]
        assert (claimed["id"], claimed["subject"], claimed["claimant"], claimed["value"]) == (
            kind.pk,
            "kind",
            "national_roll",
            "friendly",
        )
        assert claimed["citations"][0]["report"]["kind"] == "national_roll"
        others = [other for other in listed["results"] if other["id"] != como.pk]
        assert all(other["claims"] == [] for other in others)

    def test_in_english(self, client, como, partner_date):
        page = client.get("/en" + como.get_absolute_url()).content.decode()
        assert "our report: 28 October 2019" in page
        assert "partner: 8 November 2019" in page

    def test_agreeing_sources_show_no_disagreement(self, client, como, signing, partner_page):
        claim(como, partner_page, step=signing, date_year=2019, date_month=10, date_day=28)
        page = client.get(como.get_absolute_url()).content.decode()
        assert "来源说法不一" not in page
        assert "另有 1 个来源的说法与此一致" in page

    def test_the_dashboard_lists_the_disagreement(self, client, staff, como, partner_date):
        page = client.get(reverse("office-dashboard")).content.decode()
        section = page[page.index('id="disagreements"') :]
        section = section[: section.index("</table>")]
        assert str(como) in section
        assert "我方报告：2019年10月28日" in section
        assert "外方：2019年11月8日" in section

    def test_the_dashboard_is_quiet_when_sources_agree(self, client, staff, como):
        page = client.get(reverse("office-dashboard")).content.decode()
        section = page[page.index('id="disagreements"') :]
        assert "各来源的说法一致" in section[: section.index("</table>")]


class TestAPI:
    def test_the_relationship_carries_its_disputes_and_step_claims(
        self, client, como, partner_date
    ):
        data = client.get(f"/api/relationships/{como.pk}/").json()
        assert data["disputes"] == [
            {
                "subject": "签署协议",
                "sides": [
                    {"claimant": "我方报告", "value": "2019年10月28日"},
                    {"claimant": "外方", "value": "2019年11月8日"},
                ],
            }
        ]
        [step] = data["stages"]
        assert step["disputed"] is True
        [claimed] = step["claims"]
        assert (claimed["claimant"], claimed["date"], claimed["date_precision"]) == (
            "partner",
            "2019-11-08",
            "day",
        )
        assert claimed["citations"][0]["report"]["kind"] == "partner_publication"

    def test_in_english(self, client, como, partner_date):
        data = client.get(f"/api/relationships/{como.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
        sides = data["disputes"][0]["sides"]
        assert [(side["claimant"], side["value"]) for side in sides] == [
            ("our report", "28 October 2019"),
            ("partner", "8 November 2019"),
        ]

    def test_an_office_records_a_claim(self, como, signing, partner_page):
        api = token_client(office_user("test-jinzhong-api", "jinzhong"))
        response = api.post(
            "/api/claims/",
            {
                "relationship": como.pk,
                "step": signing.pk,
                "date": "2019-11-08",
                "claimant": "partner",
                "citations": [partner_page.pk],
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert fresh(como).stages.get(stage=Stage.AGREEMENT).disputed

    def test_a_claim_without_a_citation_is_refused(self, como, signing):
        api = token_client(office_user("test-jinzhong-api", "jinzhong"))
        response = api.post(
            "/api/claims/",
            {"relationship": como.pk, "step": signing.pk, "date": "2019-11-08"},
            format="json",
        )
        assert response.status_code == 400
        assert "citations" in response.json()
        assert not Claim.objects.exists()

    def test_another_office_cannot_claim_on_jinzhong(self, como, signing, partner_page):
        api = token_client(office_user("test-wuhan-api", "wuhan"))
        response = api.post(
            "/api/claims/",
            {
                "relationship": como.pk,
                "step": signing.pk,
                "date": "2019-11-08",
                "citations": [partner_page.pk],
            },
            format="json",
        )
        assert response.status_code in (400, 403)
        assert not Claim.objects.exists()


class TestAdmin:
    def test_a_claim_added_on_the_relationship_page(
        self, client, staff, como, signing, partner_page
    ):
        data = form_data(client.get(change_url(como)))
        index = int(data["claims-TOTAL_FORMS"])
        data["claims-TOTAL_FORMS"] = str(index + 1)
        for name, value in {
            "subject": "date",
            "step": str(signing.pk),
            "date_year": "2019",
            "date_month": "11",
            "date_day": "8",
            "claimant": "partner",
            "citations": [str(partner_page.pk)],
        }.items():
            data[f"claims-{index}-{name}"] = value
        response = client.post(change_url(como), data)
        assert response.status_code == 302, response.content.decode()[:3000]
        saved = Claim.objects.get(relationship=como)
        assert (str(saved.date), list(saved.citations.all())) == ("2019年11月8日", [partner_page])

    def test_an_uncited_claim_is_refused_on_the_relationship_page(
        self, client, staff, como, signing
    ):
        data = form_data(client.get(change_url(como)))
        index = int(data["claims-TOTAL_FORMS"])
        data["claims-TOTAL_FORMS"] = str(index + 1)
        data.update(
            {
                f"claims-{index}-subject": "date",
                f"claims-{index}-step": str(signing.pk),
                f"claims-{index}-date_year": "2019",
                f"claims-{index}-claimant": "partner",
            }
        )
        response = client.post(change_url(como), data)
        assert response.status_code == 200
        assert not Claim.objects.exists()
