"""The passage parser (``sources.passages``): dates, quantities, kinds, stages, places and
award names as the five reports and a clerk's own report phrase them. No database."""

import pytest

from sources.passages import NameMatcher, parse_passage
from utilities.partial_dates import PartialDate
from utilities.quantities import Qualifier

REPORT_DATE = PartialDate(2019, 10, 30)
COUNTRIES = {"日本": "JP", "俄罗斯": "RU", "意大利": "IT", "法国": "FR", "德国": "DE"}


def quantities(text, report_date=REPORT_DATE):
    return [
        (q.text, q.value, q.value_max, q.qualifier, q.unit_zh)
        for q in parse_passage(text, report_date).quantities
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The five reports' own phrasings.
        ("还与国外20多个民间组织建立了友好关系", ("20多个", 20, None, Qualifier.ODD, "个民间组织")),
        ("市长、副市长来访10余批", ("10余批", 10, None, Qualifier.ODD, "批")),
        ("使每个友城都有1—2个实质性项目作支撑", ("1—2个", 1, 2, Qualifier.EXACT, "个实质性项")),
        (
            "此后该市选派近30名退休专家来汉工作",
            ("近30名", 30, None, Qualifier.NEARLY, "名退休专家"),
        ),
        ("目前每年引进外国经济专家约200人次", ("约200人次", 200, None, Qualifier.ABOUT, "人次")),
        ("镇江年出入国(境)人数已逾17万人次", ("逾17万人次", 170_000, None, Qualifier.OVER, "人次")),
        ("晋中市每年接待党宾国宾均在20批以上", ("20批以上", 20, None, Qualifier.AT_LEAST, "批")),
        ("各界人士共400余人参加", ("400余人", 400, None, Qualifier.ODD, "人")),
        ("维希市代表团一行约30人来访", ("约30人", 30, None, Qualifier.ABOUT, "人")),
        ("全市APEC商务旅行卡获批总量达到500余张", ("500余张", 500, None, Qualifier.ODD, "张")),
        # Ranges and units a clerk's report may use.
        ("每年互访3至5次", ("3至5次", 3, 5, Qualifier.EXACT, "次")),
        ("吸引外资370多亿", ("370多亿", 37_000_000_000, None, Qualifier.ODD, "")),
        ("投资1.5亿", ("1.5亿", 150_000_000, None, Qualifier.EXACT, "")),
        ("来访２０多个团组", ("20多个", 20, None, Qualifier.ODD, "个团组")),  # full-width digits
    ],
)
def test_quantities_keep_their_qualifier_unit_and_range(text, expected):
    assert quantities(text) == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "研究制定沈阳友城工作三年行动计划(2023—2025)",  # years, not a range of counts
        "1979年武汉与日本大分市以钢铁为媒",
        "瑞典博伦厄市自2008年至今",
        "2019年10月28日签署协议书",
    ],
)
def test_years_and_dates_are_not_quantities(text):
    assert quantities(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今年2月，平遥县与俄罗斯恰克图市签署缔结友好城市意向书", [PartialDate(2019, 2)]),
        ("晋中市外事办是今年1月晋中市机构改革新组建的政府工作部门", [PartialDate(2019, 1)]),
        ("去年10月双方互访", [PartialDate(2018, 10)]),
        ("明年将举办友城大会", [PartialDate(2020)]),
        ("2019年10月28日晋中市与意大利科莫省签署协议书", [PartialDate(2019, 10, 28)]),
        ("1997年10月与埃松省结好", [PartialDate(1997, 10)]),
        ("10月28日签约", [PartialDate(2019, 10, 28)]),  # the report's year
        ("1984年", [PartialDate(1984)]),
    ],
)
def test_dates_keep_their_precision_and_relative_years_use_the_report_date(text, expected):
    assert [found.date for found in parse_passage(text, REPORT_DATE).dates] == expected


def test_relative_dates_without_a_report_date_are_left_out():
    assert parse_passage("今年2月签约").dates == []


@pytest.mark.parametrize(
    ("text", "kind", "wording", "stage"),
    [
        ("今年2月，平遥县与俄罗斯恰克图市签署缔结友好城市意向书", "sister", "友好城市", "intent"),
        ("晋中市与意大利科莫省签署友好城市协议书", "sister", "友好城市", "agreement"),
        ("两市正式结为国际友好城市", "sister", "国际友好城市", "agreement"),
        ("与韩国某市建立友好交流城市关系", "friendly", "友好交流城市", None),
        ("友好合作关系城市77个", "friendly", "友好合作关系城市", None),
        ("双方签署合作备忘录", None, "", "intent"),
        ("1979年武汉与日本大分市缔结正式友城关系", "sister", "友城", "agreement"),
        ("两市于10月签约", None, "", "agreement"),
        ("双方宣布终止友好城市关系", "sister", "友好城市", "ended"),
        (
            "签署《缔结友好城市关系协议书》，两市正式结为国际友好城市",
            "sister",
            "国际友好城市",
            "agreement",
        ),
    ],
)
def test_kind_and_stage_words(text, kind, wording, stage):
    passage = parse_passage(text, REPORT_DATE)
    assert (passage.kind, passage.kind_wording, passage.stage) == (kind, wording, stage)


def test_the_document_is_read_from_its_title_marks():
    passage = parse_passage("签署《缔结友好城市关系协议书》，两市正式结为国际友好城市。")
    assert passage.document == "《缔结友好城市关系协议书》"


@pytest.mark.parametrize(
    ("text", "metrics"),
    [
        ("43国100城，其中友好城市23个，友好合作关系城市77个",
         ["countries", "partners", "sister_cities", "friendly_cities"]),
        ("已与23个国际友好城市建立关系", ["sister_cities"]),
        ("共签署意向书5份", ["intents"]),
            ("接待来宾300多人", [None]),
    ],
)  # fmt: skip
def test_reported_totals_are_read_from_the_words_around_the_number(text, metrics):
    passage = parse_passage(text, REPORT_DATE)
    assert [passage.metric_of(q) for q in passage.quantities] == metrics


def test_places_are_recognised_by_any_of_their_names_and_the_longest_name_wins():
    oita, seoul, yongsan, mannheim = object(), object(), object(), object()
    matcher = NameMatcher(
        [
            (oita, ["大分市", "大分", "Oita"]),
            (seoul, ["首尔市"]),
            (yongsan, ["首尔市龙山区"]),
            (mannheim, ["曼海姆市", "曼姆市"]),  # an alias
        ]
    )
    passage = parse_passage(
        "1979年武汉与日本大分市结好；首尔市龙山区代表团来访；德国曼姆市获奖", places=matcher
    )
    assert [(m.record, m.text) for m in passage.places] == [
        (oita, "大分市"),
        (yongsan, "首尔市龙山区"),
        (mannheim, "曼姆市"),
    ]
    assert passage.new_places == []


def test_traditional_script_finds_simplified_names():
    wuhan = object()
    passage = parse_passage("武漢市與大分市", places=NameMatcher([(wuhan, ["武汉市"])]))
    assert [m.record for m in passage.places] == [wuhan]


def test_names_the_registry_lacks_are_offered_with_their_country():
    pingyao = object()
    passage = parse_passage(
        "今年2月，平遥县与俄罗斯恰克图市签署缔结友好城市意向书",
        REPORT_DATE,
        places=NameMatcher([(pingyao, ["平遥县"])]),
        countries=COUNTRIES,
    )
    assert [m.record for m in passage.places] == [pingyao]
    assert [(found.text, country) for found, country in passage.new_places] == [("恰克图市", "RU")]


def test_generic_words_are_not_offered_as_places():
    passage = parse_passage("其中友城议长、副议长或市长、副市长来访10余批，此后该市选派专家")
    assert passage.new_places == []


def test_award_names_match_known_types_and_their_aliases():
    strategy, friendship = object(), object()
    # Aliases plug in as further names of the same type.
    matcher = NameMatcher(
        [
            (strategy, ["国际友城发展战略奖", "国际友城战略发展奖"]),
            (friendship, ["对华友好城市交流合作奖"]),
        ]
    )
    passage = parse_passage(
        "我市也多次被全国友协授予“国际友城战略发展奖”、“国际友好城市交流合作奖”等荣誉称号",
        award_types=matcher,
    )
    assert [m.record for m in passage.award_types] == [strategy]
    # The other award is not known: offered as a name to record.
    assert [found.text for found in passage.new_awards] == ["国际友好城市交流合作奖"]
    # An award's name is not a place.
    assert passage.new_places == []


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("第五届中蒙俄万里茶道市长峰会邀请了来自中蒙俄三国80个省市的省长", "conference"),
        ("晋中市宣传交流团赴法国出席了中法建交55周年文化交流活动开幕式", "event"),
        ("市政府代表团访问科莫省", "delegation"),
        ("举办友城青年培训班", "training"),
        ("此后该市选派近30名退休专家来汉工作", "experts"),
        ("共建中国园", "project"),
    ],
)
def test_exchange_kind_words(text, kind):
    assert parse_passage(text).exchange_kind == kind
