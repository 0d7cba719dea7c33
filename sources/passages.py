"""What a passage of a report states, read as a clerk would: the parser behind "record
from this passage".

A report's sentence ("今年3月，我市与法国维希市签署《缔结友好城市意向书》，双方将互派1—2个
代表团、约200人次") holds dates (partial, 今年/去年/明年 resolved from the report's date),
quantities with their qualifiers (多/余/逾/近/约/以上), units (万/亿) and ranges ("1—2",
"3至5"), the kind of relationship (友好城市, 友好交流/合作城市) and its stage (意向书, 签约,
结为), places and award names. Everything here is a proposal: the admin form opens
prefilled and the clerk confirms or corrects it; nothing is saved unseen.

The module knows no model above ``sources``: places and award types are recognised through
*matchers* the calling admin passes in (:class:`NameMatcher`), built from each record's
names, search keys and aliases, so a new kind of alias plugs in without touching the parser.
Spans are offsets into the passage, so what is shown can be traced back to the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from utilities.partial_dates import PartialDate
from utilities.quantities import Qualifier
from utilities.search import to_simplified

# Full-width digits as a Chinese input method types them: one character for one, so spans
# stay offsets into the passage.
FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")

RELATIVE_YEARS = {"今年": 0, "本年": 0, "当年": 0, "去年": -1, "上年": -1, "前年": -2, "明年": 1}

DATE = re.compile(
    r"(?:(?P<year>(?:1[89]|20)\d{2})年|(?P<relative>今年|本年|去年|上年|前年|明年))"
    r"(?:(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])日)?)?"
)
# A month and day without a year: the year is the report's ("10月28日").
MONTH_DAY = re.compile(
    r"(?<![\d年])(?P<month>1[0-2]|0?[1-9])月(?:(?P<day>3[01]|[12]\d|0?[1-9])日)?"
)

NUMBER = r"\d+(?:\.\d+)?"
RANGE_SEPARATORS = "—–－~～至到\\-"
QUANTITY = re.compile(
    r"(?P<pre>逾|超过|近|约|将近|大约)?"
    rf"(?P<n>{NUMBER})(?P<unit>万|亿)?"
    rf"(?:(?P<sep>[{RANGE_SEPARATORS}])(?P<n2>{NUMBER})(?P<unit2>万|亿)?)?"
    r"(?P<post>多|余)?(?P<unit3>万|亿)?"
    r"(?P<measure>人次|名|位|个|次|批|家|项|座|届|所|张|件|人|国|城|场|期|天)?"
    r"(?P<atleast>以上)?"
)
PREFIX_QUALIFIERS = {
    "逾": Qualifier.OVER,
    "超过": Qualifier.OVER,
    "近": Qualifier.NEARLY,
    "将近": Qualifier.NEARLY,
    "约": Qualifier.ABOUT,
    "大约": Qualifier.ABOUT,
}
UNITS = {"万": 10**4, "亿": 10**8}
# What the counted things are, after the measure word ("个国家", "名嘉宾"): a few
# characters, up to a break or a joining word.
NOUN_AFTER = re.compile(r"[\u4e00-\u9fff]{1,4}")
# Measure words that name what they count: nothing to add after them.
SELF_NAMED = {"国", "城", "人", "人次", "次", "天", "届", "期"}
NOUN_STOPS = "的和与及、共来在到从为等参，。；：,;:（）()"


# Kinds of relationship. The friendly tier first: "友好合作城市" must not read as "友好城市".
FRIENDLY = "friendly"
SISTER = "sister"
KIND_WORDS = [
    (FRIENDLY, re.compile(r"友好(?:交流|合作)(?:关系)?城市|友好交流关系|友好合作关系")),
    (SISTER, re.compile(r"(?:国际)?友好城市|(?:国际)?友城|姐妹城市")),
]

# Stages. An agreement is named by its document or its verb of union; a letter of intent
# or memorandum is an intent even when it is "signed" (签署缔结友好城市意向书).
INTENT = "intent"
AGREEMENT = "agreement"
ENDED = "ended"
ENDED_WORDS = re.compile(r"终止|解除")
AGREEMENT_WORDS = re.compile(r"协议书|结为|结好|正式建立|正式缔结|正式签署")
INTENT_WORDS = re.compile(r"意向书?|备忘录")
SIGNING_WORDS = re.compile(r"签约|签署|签订|缔结")
DOCUMENT = re.compile(r"《[^《》]{2,40}》")

# What kind of exchange a passage describes (exchanges.choices.ExchangeKind values).
EXCHANGE_WORDS = [
    ("conference", re.compile(r"峰会|大会|会议|论坛|研讨会")),
    ("exhibition", re.compile(r"展览|博览会|展会|展出")),
    ("training", re.compile(r"培训|研修|进修")),
    ("delegation", re.compile(r"代表团|团组|访问|互访|出访|来访|考察")),
    ("experts", re.compile(r"专家|派遣|选派")),
    ("office", re.compile(r"办事处|代表处")),
    ("event", re.compile(r"活动|节|演出|比赛|赛")),
]

# Reported totals (cities.choices.FigureMetric values): the words right after a number.
METRIC_WORDS = [
    ("friendly_cities", re.compile(r"^[个座]?友好(?:交流|合作)(?:关系)?城市")),
    ("sister_cities", re.compile(r"^[个座对]?(?:国际)?(?:友好城市|友城)")),
    ("countries", re.compile(r"^个?国(?:家)?")),
    ("intents", re.compile(r"^[个份]?(?:意向书|备忘录)")),
]
# How far after a number its metric may be named ("23个国际友好城市").
METRIC_REACH = 12

# Candidate names of places the registry may not hold yet: a run of characters ending in
# an administrative word, cut after the last word that cannot be part of a name.
PLACE_CANDIDATE = re.compile(r"[\u4e00-\u9fff]{1,10}?(?:市|省|县|州|郡|町)")
NOT_IN_NAME = "与和同及在赴到向为的将以等或对由从年月日共并于把被给让至"
NOT_A_NAME = re.compile(r"友好|城市|友城|[我该两全本此每副各]")
AWARD_CANDIDATE = re.compile(r"[“\"《]([^”\"》]{2,30}奖)[”\"》]")


@dataclass
class Found:
    """A piece of the passage and what it was read as."""

    text: str
    start: int
    end: int


@dataclass
class DateFound(Found):
    date: PartialDate = None
    relative: bool = False


@dataclass
class Quantity(Found):
    value: int = 0
    value_max: int | None = None
    qualifier: str = Qualifier.EXACT
    measure: str = ""  # the measure word: 个, 名, 人次
    noun: str = ""  # what is counted: 国家, 嘉宾

    @property
    def unit_zh(self):
        return self.measure + self.noun


@dataclass
class Match(Found):
    """A record recognised by one of its names."""

    record: object = None


@dataclass
class Passage:
    text: str
    dates: list = field(default_factory=list)
    quantities: list = field(default_factory=list)
    kind: str | None = None
    kind_wording: str = ""
    stage: str | None = None
    document: str = ""
    exchange_kind: str = "project"
    places: list = field(default_factory=list)  # Match, in the order of the passage
    new_places: list = field(default_factory=list)  # (Found, country): names not held
    award_types: list = field(default_factory=list)  # Match
    new_awards: list = field(default_factory=list)  # Found

    @property
    def date(self):
        """The passage's first date, or None."""
        return self.dates[0].date if self.dates else None

    def counts(self):
        """Quantities that count something (not a year that slipped past the dates)."""
        return list(self.quantities)

    def metric_of(self, quantity):
        """The reported total a quantity states, by the words after it ("23个友好城市")
        or, failing those, right before it ("其中友好城市23个")."""
        if quantity.measure == "国":
            return "countries"
        if quantity.measure == "城":
            return "partners"
        after = self.text[quantity.end - len(quantity.measure) : quantity.end + METRIC_REACH]
        for metric, pattern in METRIC_WORDS:
            if pattern.search(after):
                return metric
        if quantity.measure not in ("", "个"):
            return None
        before = self.text[max(0, quantity.start - METRIC_REACH) : quantity.start]
        before = re.split(r"[\d，。；,;]", before)[-1]
        for metric, pattern in METRIC_WORDS:
            match = pattern.pattern.lstrip("^")
            if before and re.search(f"(?:{match})$", before):
                return metric
        return None


class NameMatcher:
    """Finds records by their names in a text: longest name first, no two matches on one
    character. ``names`` pairs each record with the names it may be written as (its
    Chinese and English names, aliases, the name without 市/县…); the calling app builds
    them, so aliases of any model plug in."""

    def __init__(self, names):
        pairs = []
        for record, record_names in names:
            for name in record_names:
                name = to_simplified((name or "").strip())
                if len(name) >= 2:
                    pairs.append((name, record))
        # Longest first: 首尔市龙山区 before 首尔市.
        self.pairs = sorted(pairs, key=lambda pair: -len(pair[0]))

    def find(self, text):
        simplified = to_simplified(text)
        taken = [False] * len(simplified)
        found = []
        for name, record in self.pairs:
            start = simplified.find(name)
            while start >= 0:
                end = start + len(name)
                if not any(taken[start:end]):
                    for i in range(start, end):
                        taken[i] = True
                    found.append(Match(text[start:end], start, end, record))
                start = simplified.find(name, end)
        found.sort(key=lambda match: match.start)
        # One match per record, the first.
        seen, unique = set(), []
        for match in found:
            key = id(match.record)
            if key not in seen:
                seen.add(key)
                unique.append(match)
        return unique


EMPTY_MATCHER = NameMatcher([])


def read_dates(text, report_date=None):
    """Dates in the passage, at the precision it gives. 今年/去年/明年 and a bare
    "10月28日" take their year from the report's date; without one they are left out."""
    base_year = report_date.year if report_date else None
    found, taken = [], [False] * len(text)
    for match in DATE.finditer(text):
        if match.group("year"):
            year = int(match.group("year"))
        elif base_year is not None:
            year = base_year + RELATIVE_YEARS[match.group("relative")]
        else:
            continue
        month = int(match.group("month")) if match.group("month") else None
        day = int(match.group("day")) if match.group("day") else None
        try:
            date = PartialDate(year, month, day)
        except ValueError:
            continue
        found.append(
            DateFound(
                match.group(), match.start(), match.end(), date, bool(match.group("relative"))
            )
        )
        for i in range(match.start(), match.end()):
            taken[i] = True
    for match in MONTH_DAY.finditer(text):
        if base_year is None or any(taken[match.start() : match.end()]):
            continue
        month = int(match.group("month"))
        day = int(match.group("day")) if match.group("day") else None
        try:
            date = PartialDate(base_year, month, day)
        except ValueError:
            continue
        found.append(DateFound(match.group(), match.start(), match.end(), date, True))
    found.sort(key=lambda date: date.start)
    return found


def _number(digits, unit):
    value = Decimal(digits) * UNITS.get(unit or "", 1)
    return int(value) if value == int(value) else None


def read_quantities(text, dates=()):
    """Numbers with their qualifier, unit and range; years and dates are not quantities."""
    taken = [False] * len(text)
    for date in dates:
        for i in range(date.start, date.end):
            taken[i] = True
    found = []
    for match in QUANTITY.finditer(text):
        digits = match.group("n")
        start, end = match.start("n"), match.end()
        if any(taken[start : match.end("n")]):
            continue
        unit = match.group("unit") or match.group("unit3")
        unit_max = match.group("unit2") or match.group("unit3")
        n2 = match.group("n2")
        following = text[end : end + 1]
        # A year or a span of years: "2008年", "(2023—2025)".
        if not match.group("measure") and (
            following == "年" or (len(digits) == 4 and 1900 <= int(digits.split(".")[0]) <= 2100)
        ):
            continue
        if following in "月日" and following:
            continue
        value = _number(digits, unit if not n2 else (match.group("unit") or unit_max))
        value_max = _number(n2, unit_max) if n2 else None
        if value is None or (n2 and value_max is None):
            continue
        if value_max is not None and value_max < value:
            continue
        qualifier = Qualifier.EXACT
        if match.group("pre"):
            qualifier = PREFIX_QUALIFIERS[match.group("pre")]
            start = match.start()
        elif match.group("post"):
            qualifier = Qualifier.ODD
        elif match.group("atleast"):
            qualifier = Qualifier.AT_LEAST
        measure = match.group("measure") or ""
        noun = ""
        if measure and measure not in SELF_NAMED and not match.group("atleast"):
            after = NOUN_AFTER.match(text, end)
            if after:
                noun = after.group()
                for i, char in enumerate(noun):
                    if char in NOUN_STOPS:
                        noun = noun[:i]
                        break
        found.append(
            Quantity(
                text[start:end],
                start,
                end,
                value=value,
                value_max=value_max,
                qualifier=qualifier,
                measure=measure,
                noun=noun,
            )
        )
    return found


def read_kind(text):
    """The kind of relationship the passage names, with its wording."""
    for kind, pattern in KIND_WORDS:
        words = [match.group() for match in pattern.finditer(text)]
        if words:
            # The fullest wording: "国际友好城市" rather than "友好城市".
            return kind, max(words, key=len)
    return None, ""


def read_stage(text):
    """The stage the passage states (intent, agreement, ended), or None."""
    if ENDED_WORDS.search(text):
        return ENDED
    if AGREEMENT_WORDS.search(text):
        return AGREEMENT
    if INTENT_WORDS.search(text):
        return INTENT
    if SIGNING_WORDS.search(text):
        return AGREEMENT
    return None


def read_exchange_kind(text):
    for kind, pattern in EXCHANGE_WORDS:
        if pattern.search(text):
            return kind
    return "project"


def new_place_names(text, known, countries=None):
    """Names that look like places ("维希市") and that no known record covers, as
    ``(Found, country code or None)``: a country's name before the place ("法国维希市")
    gives its country (``countries`` maps Chinese country names to codes)."""
    taken = [False] * len(text)
    for match in known:
        for i in range(match.start, match.end):
            taken[i] = True
    countries = countries or {}
    by_length = sorted(countries, key=len, reverse=True)
    names, seen = [], set()
    for match in PLACE_CANDIDATE.finditer(text):
        if any(taken[match.start() : match.end()]):
            continue
        name, start = match.group(), match.start()
        cut = max(name.rfind(char) for char in NOT_IN_NAME)
        if cut >= 0:
            name, start = name[cut + 1 :], start + cut + 1
        country = None
        for country_name in by_length:
            if name.startswith(country_name) and len(name) > len(country_name) + 1:
                country = countries[country_name]
                name, start = name[len(country_name) :], start + len(country_name)
                break
        if len(name) < 2 or NOT_A_NAME.search(name) or name in seen:
            continue
        seen.add(name)
        names.append((Found(name, start, start + len(name)), country))
    return names


def parse_passage(
    text, report_date=None, places=EMPTY_MATCHER, award_types=EMPTY_MATCHER, countries=None
):
    """Read a passage: ``report_date`` (a PartialDate) resolves 今年/去年/明年; ``places``
    and ``award_types`` are :class:`NameMatcher` s over the registry's records;
    ``countries`` maps Chinese country names to ISO codes (for names not yet known)."""
    text = text.translate(FULL_WIDTH_DIGITS)
    passage = Passage(text)
    passage.dates = read_dates(text, report_date)
    passage.quantities = read_quantities(text, passage.dates)
    passage.kind, passage.kind_wording = read_kind(text)
    passage.stage = read_stage(text)
    document = DOCUMENT.search(text)
    passage.document = document.group() if document else ""
    passage.exchange_kind = read_exchange_kind(text)
    passage.award_types = award_types.find(text)
    passage.places = places.find(text)
    # A candidate inside an award's name is not a place.
    passage.new_places = new_place_names(text, passage.places + passage.award_types, countries)
    known_awards = {match.text for match in passage.award_types}
    passage.new_awards = [
        Found(match.group(1), match.start(1), match.end(1))
        for match in AWARD_CANDIDATE.finditer(text)
        if match.group(1) not in known_awards
        and not any(m.start <= match.start(1) < m.end for m in passage.award_types)
    ]
    return passage
