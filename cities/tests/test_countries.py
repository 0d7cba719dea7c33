"""Countries as China's foreign affairs writes them: Taiwan, Hong Kong and Macao are never a
foreign country (refused with a message that says why on every write path, and in no list);
Chinese names follow the Ministry of Foreign Affairs; lists are in pinyin order in Chinese and
in name order in English."""

import shutil
from io import StringIO

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from django_countries import countries
from pypinyin import Style, lazy_pinyin

from cities.filtersets import PlaceFilterSet, RelationshipFilterSet
from cities.models import Place
from cities.resources import PlaceResource
from exchanges.admin import ExchangeAdmin
from exchanges.models import Exchange
from tests.builders import superuser
from utilities.countries import COUNTRY_NAME_CORRECTIONS, PART_OF_CHINA, country_sort_key
from utilities.country_pinyin import COUNTRY_PINYIN

pytestmark = pytest.mark.django_db

REFUSAL_ZH = "台湾、香港和澳门是中国的一部分"
REFUSAL_EN = "Taiwan, Hong Kong and Macao are part of China"


@pytest.fixture
def fixtures_copy(tmp_path, settings):
    target = tmp_path / "fixtures"
    shutil.copytree(settings.REGISTRY_FIXTURES_DIR, target)
    return target


def place(country, slug="test-somewhere"):
    return Place(slug=slug, name_zh="某地", level="city", country=country)


# --- Refused on every write path, with the reason -------------------------------------------


@pytest.mark.parametrize("code", PART_OF_CHINA)
def test_the_model_refuses_them_saying_why(code):
    with pytest.raises(ValidationError) as error:
        place(code).full_clean()
    assert REFUSAL_ZH in " ".join(error.value.message_dict["country"])
    place("JP").full_clean()  # a foreign country is fine


def test_an_exchange_cannot_name_them_as_participant_countries(wuhan):
    exchange = Exchange(title_zh="测试交流", kind="delegation", chinese_place=wuhan)
    exchange.countries = ["JP", "HK"]
    with pytest.raises(ValidationError) as error:
        exchange.full_clean(exclude=["citations"])
    assert REFUSAL_ZH in " ".join(error.value.message_dict["countries"])


@pytest.mark.parametrize("language, refusal", [("zh-hans", REFUSAL_ZH), ("en", REFUSAL_EN)])
def test_the_admin_refuses_them_saying_why(client, language, refusal):
    client.force_login(superuser())
    # The admin takes its language from the browser (or the language switch).
    response = client.post(
        reverse("admin:cities_place_add"),
        {"slug": "test-taipei", "name_zh": "台北市", "level": "city", "country": "TW"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    assert refusal in response.content.decode()
    assert not Place.objects.filter(slug="test-taipei").exists()


def test_the_admin_offers_them_nowhere(client):
    client.force_login(superuser())
    page = client.get(reverse("admin:cities_place_add")).content.decode()
    assert 'value="JP"' in page
    for code in PART_OF_CHINA:
        assert f'value="{code}"' not in page
    page = client.get(reverse("admin:exchanges_exchange_add")).content.decode()
    assert 'value="JP"' in page
    for code in PART_OF_CHINA:
        assert f'value="{code}"' not in page


@pytest.mark.parametrize("code", PART_OF_CHINA)
def test_the_api_refuses_them_saying_why(superuser, code):
    response = superuser.post(
        "/api/places/",
        {"slug": "test-api-place", "name_zh": "某地", "level": "city", "country": code},
        format="json",
    )
    assert response.status_code == 400
    assert REFUSAL_ZH in str(response.json()["errors"]["country"])
    assert not Place.objects.filter(slug="test-api-place").exists()


def test_the_api_refuses_them_as_exchange_countries(superuser, world):
    response = superuser.post(
        "/api/exchanges/",
        {
            "title_zh": "测试交流",
            "kind": "delegation",
            "chinese_place": world.home.pk,
            "countries": ["JP", "MO"],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert REFUSAL_EN in str(response.json()["errors"]["countries.1"])


def test_the_import_refuses_them_saying_why():
    dataset = tablib.Dataset(
        ["test-import-hk", "某地", "city", "HK"], headers=["标识", "中文名", "行政级别", "国家"]
    )
    result = PlaceResource().import_data(dataset, dry_run=True, user=superuser())
    assert result.has_validation_errors()
    messages = [
        str(message)
        for row in result.invalid_rows
        for field_errors in row.error_dict.values()
        for message in field_errors
    ]
    assert any(REFUSAL_ZH in message for message in messages)
    assert not Place.objects.filter(slug="test-import-hk").exists()


def test_the_loader_refuses_them_saying_why(fixtures_copy):
    (fixtures_copy / "zz-macao.yaml").write_text(
        "- model: cities.place\n  pk: 991\n  fields: {slug: test-macao, name_zh: 澳门, "
        "level: city, country: MO}\n",
        encoding="utf-8",
    )
    err = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "load_registry", "--fixtures-dir", str(fixtures_copy), stderr=err, language="en"
        )
    assert "zz-macao.yaml: cities.place:991:" in err.getvalue()
    assert REFUSAL_EN in err.getvalue()
    assert not Place.objects.filter(slug="test-macao").exists()


# --- In no list ------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_country_list_holds_them(language):
    with translation.override(language):
        codes = [code for code, _name in countries]
        place_filter = PlaceFilterSet().form.fields["country"].choices
        relationship_filter = RelationshipFilterSet().form.fields["country"].choices
        place_form = Place._meta.get_field("country").formfield().choices
        exchange_form = Exchange._meta.get_field("countries").formfield().choices
    for choices in (codes, place_filter, relationship_filter, place_form, exchange_form):
        listed = {code if isinstance(code, str) else code[0] for code in choices}
        assert "JP" in listed
        assert not listed & set(PART_OF_CHINA)


def test_the_public_country_page_of_hong_kong_is_not_found(client):
    assert client.get("/countries/hk/").status_code == 404


# --- Names as the Ministry of Foreign Affairs writes them ------------------------------------


def test_the_corrected_chinese_names():
    """Every correction, listed: django-countries' name, and the Ministry's."""
    with translation.override("zh-hans"):
        names = {code: countries.name(code) for code in COUNTRY_NAME_CORRECTIONS}
    assert names == {
        "AS": "美属萨摩亚",
        "AW": "阿鲁巴",
        "BA": "波斯尼亚和黑塞哥维那",
        "BS": "巴哈马",
        "BW": "博茨瓦纳",
        "CC": "科科斯（基林）群岛",
        "CD": "刚果（金）",
        "CG": "刚果（布）",
        "DM": "多米尼克",
        "DO": "多米尼加",
        "GF": "法属圭亚那",
        "GP": "瓜德罗普",
        "KG": "吉尔吉斯斯坦",
        "KM": "科摩罗",
        "LR": "利比里亚",
        "MK": "北马其顿",
        "ML": "马里",
        "NP": "尼泊尔",
        "RE": "留尼汪",
        "SJ": "斯瓦尔巴群岛和扬马延岛",
        "SR": "苏里南",
        "TJ": "塔吉克斯坦",
        "TT": "特立尼达和多巴哥",
        "WS": "萨摩亚",
    }
    with translation.override("zh-hans"):
        every = [name for _code, name in countries]
    for wrong in ("尼珀尔", "塔吉克斯斯坦", "美属萨摩亚群岛", "博兹瓦纳", "法属奎亚那"):
        assert wrong not in every
    assert "波斯尼亚和黑塞哥维" not in every  # only the full name
    assert len(every) == len(set(every)), "two countries share a name"


def test_the_corrections_keep_their_english_names():
    with translation.override("en"):
        assert countries.name("NP") == "Nepal"
        assert countries.name("WS") == "Samoa"
        assert countries.name("AS") == "American Samoa"
        assert countries.name("CD") == "Congo (Kinshasa)"


# --- Order ----------------------------------------------------------------------------------


def test_chinese_lists_are_in_pinyin_order():
    with translation.override("zh-hans"):
        names = [name for code, name in countries if code != "CN"]
    assert names[:3] == ["阿尔巴尼亚", "阿尔及利亚", "阿富汗"]
    # Dictionary order: each character's syllable, then its tone (埃及 āi before 爱尔兰 ài).
    keys = [lazy_pinyin(name, style=Style.TONE3) for name in names]
    assert keys == sorted(keys)
    assert names.index("埃及") < names.index("爱尔兰")
    assert names.index("巴西") < names.index("德国") < names.index("日本") < names.index("英国")


def test_every_chinese_country_name_has_pypinyins_own_pinyin_at_hand():
    # The table spares each process pypinyin's dictionaries; its order must be pypinyin's.
    with translation.override("zh-hans"):
        names = [name for _code, name in countries]
    assert set(names) <= set(COUNTRY_PINYIN)
    for name, known in COUNTRY_PINYIN.items():
        assert known == " ".join(lazy_pinyin(name, style=Style.TONE3)), name


def test_english_lists_are_in_name_order():
    with translation.override("en"):
        names = [name for code, name in countries if code != "CN"]
    assert names[0] == "Afghanistan"
    assert names.index("Åland Islands") < names.index("Albania")
    assert [country_sort_key((None, name)) for name in names] == sorted(
        country_sort_key((None, name)) for name in names
    )


def test_china_stays_first(client):
    with translation.override("zh-hans"):
        assert next(iter(countries)).code == "CN"


def test_the_exchange_countries_picker_is_searchable(client):
    """The admin's own two-list picker with a filter box, not a 250-row list box."""
    client.force_login(superuser())
    page = client.get(reverse("admin:exchanges_exchange_add")).content.decode()
    assert 'class="selectfilter"' in page
    assert "admin/js/SelectFilter2.js" in page
    assert ExchangeAdmin
