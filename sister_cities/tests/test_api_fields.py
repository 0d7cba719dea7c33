"""Brief mode and field selection beyond what the generic endpoint tests check: in an
export, on a record that embeds others, and in the schema a client is generated from."""

import csv
import io

import pytest
from rest_framework.test import APIClient

from utilities.testing.queries import content

pytestmark = pytest.mark.django_db


@pytest.fixture
def anonymous():
    return APIClient()


def test_fields_select_the_columns_of_a_csv_export(anonymous, world):
    response = anonymous.get(
        "/api/places/", {"parent": "test-home", "format": "csv", "fields": "id,slug"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(content(response).decode("utf-8-sig"))))
    assert rows[0] == ["id", "slug"]
    assert ["test-home-county"] == [slug for _id, slug in rows[1:]]


def test_a_brief_relationship_embeds_brief_places(anonymous, world):
    response = anonymous.get("/api/relationships/", {"chinese_place": "test-home", "brief": "true"})
    row = response.json()["results"][0]
    assert sorted(row) == sorted(
        ["id", "url", "display", "kind", "kind_display", "chinese_place", "foreign_place"]
    )
    assert row["chinese_place"]["slug"] == "test-home"


def test_fields_and_brief_together(anonymous, world):
    response = anonymous.get(
        f"/api/places/{world.home.pk}/", {"brief": "true", "fields": "slug,country"}
    )
    assert response.json() == {"slug": "test-home", "country": response.json()["country"]}
    refused = anonymous.get(
        f"/api/places/{world.home.pk}/", {"brief": "true", "fields": "latitude"}
    )
    assert refused.status_code == 400  # not in the brief form


def test_the_schema_documents_brief_and_fields_on_every_read(anonymous):
    schema = anonymous.get("/api/schema/", {"format": "json"}).json()
    reads = [
        (path, operations["get"])
        for path, operations in schema["paths"].items()
        if "get" in operations
        and not path.endswith(("/history/", "/schema/", "/changes/"))
        and "anniversaries" not in path
        # Computed pictures (a fixed set of figures per record), like the anniversaries.
        and not path.endswith("activity/")
        and not path.startswith("/api/activity/")
    ]
    assert len(reads) >= 20
    for path, operation in reads:
        names = {parameter["name"] for parameter in operation.get("parameters", [])}
        assert {"brief", "fields"} <= names, path
        assert "400" in operation["responses"], path
    changes = schema["paths"]["/api/changes/"]["get"]
    assert {"since", "cursor", "limit"} <= {p["name"] for p in changes["parameters"]}
    history = schema["paths"]["/api/places/{id}/history/"]["get"]
    assert list(history["responses"]["200"]["content"]) == ["application/json"]


def test_reported_figures_sort_by_place(anonymous):
    """``ordering=place`` named a column the model does not have (a 500 schemathesis found)."""
    firsts = []
    for ordering in ("place", "-place"):
        response = anonymous.get(
            "/api/reported-figures/",
            {"ordering": ordering, "limit": 500, "fields": "chinese_place"},
        )
        assert response.status_code == 200
        names = [row["chinese_place"]["name_zh"] for row in response.json()["results"]]
        # Each city's figures together, in the database's order of names.
        runs = [name for index, name in enumerate(names) if index == 0 or names[index - 1] != name]
        assert len(runs) == len(set(names)) > 1
        firsts.append(runs)
    assert firsts[0] == firsts[1][::-1]
