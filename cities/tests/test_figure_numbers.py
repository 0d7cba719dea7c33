"""A reported figure's value is a whole number: "1—2" is refused with a clear message (in
the admin and the API), and a range the report gives is recorded with its upper bound and
shown "1—2" / "1–2" on the city's page and in the API."""

import re

import pytest
import tablib
from django.db import IntegrityError, transaction
from django.utils import translation

from cities.models import Place, ReportedFigure
from cities.resources import ReportedFigureResource
from tests.builders import office_user
from utilities.testing.admin import change_url, form_data
from utilities.testing.pages import in_english

pytestmark = pytest.mark.django_db

REFUSAL_ZH = "请输入一个整数（只填阿拉伯数字，如 12）"
REFUSAL_EN = "Enter a whole number (digits only, e.g. 12)"
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def staff(client):
    client.force_login(office_user("test-figure-staff", "jinzhong"))
    return client


@pytest.fixture
def figure():
    """Jinzhong's county-level count ("县级1对")."""
    return ReportedFigure.objects.get(chinese_place__slug="jinzhong", metric="county_sister_cities")


def errors_of(response, field):
    return " ".join(str(m) for m in response.context["adminform"].form.errors.get(field, []))


class TestAdmin:
    def test_the_value_is_a_text_input(self, staff, figure):
        """A browser's number input would drop the dash of "1—2" and send "12"."""
        page = staff.get(change_url(figure)).content.decode()
        for name in ("value", "value_max"):
            [tag] = re.findall(rf'<input[^>]* name="{name}"[^>]*>', page)
            assert 'type="text"' in tag
            assert 'inputmode="numeric"' in tag

    @pytest.mark.parametrize("typed", ["1—2", "1-2", "1.5", "约1", "1,000"])
    def test_anything_but_a_whole_number_is_refused(self, staff, figure, typed):
        data = form_data(staff.get(change_url(figure)))
        data["value"] = typed
        response = staff.post(change_url(figure), data)
        assert response.status_code == 200
        assert REFUSAL_ZH in errors_of(response, "value")
        assert "最大值" in errors_of(response, "value")
        figure.refresh_from_db()
        assert figure.value == 1

    def test_the_refusal_is_english_in_english(self, staff, figure):
        data = form_data(staff.get(change_url(figure)))
        data["value"] = "1—2"
        response = staff.post(change_url(figure), data, **EN)
        with translation.override("en"):
            assert REFUSAL_EN in errors_of(response, "value")

    def test_a_range_is_recorded_and_shown_in_chinese_and_english(self, staff, client, figure):
        data = form_data(staff.get(change_url(figure)))
        data.update(value="1", value_max="2")
        assert staff.post(change_url(figure), data).status_code == 302
        figure.refresh_from_db()
        assert (figure.value, figure.value_max) == (1, 2)
        city = Place.objects.get(slug="jinzhong")
        page = client.get(city.get_absolute_url()).content.decode()
        assert "<td>1—2<br>" in page
        page = client.get(in_english(city.get_absolute_url())).content.decode()
        assert "<td>1–2<br>" in page

    def test_a_maximum_below_the_value_is_refused(self, staff, figure):
        data = form_data(staff.get(change_url(figure)))
        data.update(value="3", value_max="2")
        response = staff.post(change_url(figure), data)
        assert response.status_code == 200
        assert "最大值不能小于数值。" in errors_of(response, "value_max")


class TestAPI:
    def url(self, figure):
        return f"/api/reported-figures/{figure.pk}/"

    @pytest.mark.parametrize("sent", ["1—2", "12.5", 12.5, True, "约20"])
    def test_anything_but_a_whole_number_is_refused(self, insider, world, sent):
        figure = world_figure(world)
        response = insider.patch(self.url(figure), {"value": sent}, format="json")
        assert response.status_code == 400
        assert REFUSAL_ZH in " ".join(response.json()["value"])
        figure.refresh_from_db()
        assert figure.value == 20

    def test_the_refusal_is_english_in_english(self, insider, world):
        figure = world_figure(world)
        response = insider.patch(self.url(figure), {"value": "1—2"}, format="json", **EN)
        assert response.status_code == 400
        assert REFUSAL_EN in " ".join(response.json()["value"])

    def test_a_range_is_written_and_read(self, insider, world):
        figure = world_figure(world)
        response = insider.patch(
            self.url(figure), {"value": 20, "value_max": 30, "qualifier": "exact"}, format="json"
        )
        assert response.status_code == 200, response.json()
        body = response.json()
        assert (body["value"], body["value_max"], body["display_value"]) == (20, 30, "20—30")
        english = insider.get(self.url(figure), **EN).json()
        assert english["display_value"] == "20–30"
        # A single number has no maximum.
        response = insider.patch(self.url(figure), {"value_max": None}, format="json")
        assert response.json()["value_max"] is None
        assert response.json()["display_value"] == "20"

    def test_a_maximum_below_the_value_is_refused(self, insider, world):
        figure = world_figure(world)
        response = insider.patch(self.url(figure), {"value_max": 10}, format="json")
        assert response.status_code == 400
        assert response.json()["value_max"] == ["最大值不能小于数值。"]


def world_figure(world):
    figure = ReportedFigure.objects.create(
        chinese_place=world.home, metric="sister_cities", value=20, as_of_year=2019
    )
    figure.citations.set([world.citation])
    return figure


def test_the_database_refuses_a_maximum_below_the_value(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportedFigure.objects.create(
            chinese_place=world.home, metric="sister_cities", value=5, value_max=4
        )


class TestImport:
    """The figures' spreadsheet import reads the value with the admin's and the API's
    parser: "1—2" and "1.5" are refused (not run together or truncated), and a range is
    imported with its upper bound."""

    def rows(self, figure, value, value_max=""):
        return tablib.Dataset(
            [figure.pk, value, value_max],
            headers=["ID", "数值", "最大值"],
        )

    @pytest.mark.parametrize("typed", ["1—2", "1.5", "约20"])
    def test_anything_but_a_whole_number_is_refused(self, figure, typed):
        user = office_user("test-figure-import", "jinzhong")
        result = ReportedFigureResource().import_data(
            self.rows(figure, typed), dry_run=True, user=user
        )
        [invalid] = result.invalid_rows
        assert REFUSAL_ZH in " ".join(invalid.error_dict["数值"])
        figure.refresh_from_db()
        assert figure.value == 1

    def test_a_range_is_imported(self, figure):
        user = office_user("test-figure-import", "jinzhong")
        result = ReportedFigureResource().import_data(
            self.rows(figure, "1", "2"), dry_run=False, user=user
        )
        assert not result.has_errors() and not result.has_validation_errors()
        figure.refresh_from_db()
        assert (figure.value, figure.value_max) == (1, 2)
