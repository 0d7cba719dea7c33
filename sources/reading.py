"""Reading a report beside its citations: the text split into highlighted segments (the
public report page and the admin's reader share it), and "what's left" to enter from a
report: the sentences no quote covers, the figures no record holds, the quotes no record
uses yet.

Records of the apps above (relationships, exchanges, awards, figures) are reached through
the citation's reverse relations, never imported: any model that cites a report counts.
"""

import re
from dataclasses import dataclass, field

from django.db import models

from .passages import read_dates, read_quantities

# A sentence ends with one of these; a line without one (a title, a heading) is not a
# sentence to enter.
SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;]")
# Integer fields of a record that state a number of the report (not its dates or keys).
NOT_A_FIGURE = re.compile(r"(^id$|_id$|_year$|_month$|_day$|^version$)")


def highlight(text, citations):
    """Split the report's text into segments, each knowing which citations cover it, which
    start there (for the anchor) and which end there (for the reference mark)."""
    spans = []
    for number, citation in enumerate(citations, start=1):
        start = text.find(citation.quote)
        citation.number = number
        citation.found = start >= 0
        if start >= 0:
            spans.append((start, start + len(citation.quote), citation))
    bounds = sorted({0, len(text), *(s for s, _e, _c in spans), *(e for _s, e, _c in spans)})
    segments = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        segments.append(
            {
                "text": text[a:b],
                "start": a,
                "covering": [c for s, e, c in spans if s <= a and b <= e],
                "starts": [c for s, _e, c in spans if s == a],
                "ends": [c for _s, e, c in spans if e == b],
            }
        )
    return segments


def citing_accessors(citation_model):
    """The prefetch paths of every record that cites (many-to-many to the citation), with
    the counts an exchange holds."""
    paths = []
    for relation in citation_model._meta.related_objects:
        if not relation.many_to_many:
            continue
        accessor = relation.get_accessor_name()
        paths.append(accessor)
        for nested in relation.related_model._meta.related_objects:
            if nested.one_to_many and nested.get_accessor_name() == "counts":
                paths.append(f"{accessor}__counts")
    return paths


def cited_records(citation):
    """The records that cite the passage (prefetched through :func:`citing_accessors`)."""
    records = []
    for relation in type(citation)._meta.related_objects:
        if relation.many_to_many:
            records.extend(getattr(citation, relation.get_accessor_name()).all())
    return records


def record_numbers(record):
    """The numbers a record states: its counts and figures (``value``, ``value_max``,
    ``person_count``…) and those of its ``counts`` rows."""
    numbers = set()
    for obj in [record, *(record.counts.all() if hasattr(record, "counts") else [])]:
        for model_field in obj._meta.concrete_fields:
            if isinstance(model_field, models.IntegerField) and not NOT_A_FIGURE.search(
                model_field.name
            ):
                value = getattr(obj, model_field.attname)
                if value is not None:
                    numbers.add(value)
    return numbers


@dataclass
class Sentence:
    text: str
    start: int
    end: int


@dataclass
class Left:
    """What remains to enter from a report."""

    sentences: list = field(default_factory=list)  # Sentence: no quote covers them
    figures: list = field(default_factory=list)  # (Quantity, Sentence): no record holds them
    unused: list = field(default_factory=list)  # citations no record uses
    sentence_count: int = 0
    figure_count: int = 0

    @property
    def done(self):
        return not (self.sentences or self.figures or self.unused)

    @property
    def count(self):
        return len(self.sentences) + len(self.figures) + len(self.unused)


def sentences_of(text):
    return [
        Sentence(match.group(), match.start(), match.end())
        for match in SENTENCE.finditer(text)
        if match.group().strip(" \t\u3000。！？!?；;")
    ]


def with_citations(reports):
    """Reports with their citations and every record citing them, in a fixed number of
    queries however many reports (for :func:`whats_left` over a list)."""
    citation_model = reports.model.citations.rel.related_model
    return reports.prefetch_related(
        models.Prefetch(
            "citations",
            queryset=citation_model.objects.prefetch_related(*citing_accessors(citation_model)),
        )
    )


def whats_left(report):
    """The sentences of the report no quote overlaps, the figures (numbers of the text,
    dates aside) that no record citing them holds, and the quotes no record uses."""
    text = report.text
    if "citations" in getattr(report, "_prefetched_objects_cache", {}):
        citations = list(report.citations.all())  # from with_citations()
    else:
        citations = list(
            report.citations.prefetch_related(*citing_accessors(report.citations.model))
        )
    spans = []
    unused = []
    for citation in citations:
        start = text.find(citation.quote)
        records = cited_records(citation)
        if not records:
            unused.append(citation)
        if start >= 0:
            spans.append((start, start + len(citation.quote), records))
    left = Left(unused=unused)
    sentences = sentences_of(text)
    left.sentence_count = len(sentences)
    for sentence in sentences:
        if not any(s < sentence.end and sentence.start < e for s, e, _r in spans):
            left.sentences.append(sentence)
    quantities = read_quantities(text, read_dates(text, report.published))
    left.figure_count = len(quantities)
    for quantity in quantities:
        numbers = set()
        for s, e, records in spans:
            if s <= quantity.start and quantity.end <= e:
                for record in records:
                    numbers |= record_numbers(record)
        if quantity.value not in numbers:
            sentence = next(
                (s for s in sentences if s.start <= quantity.start < s.end),
                Sentence(text[max(0, quantity.start - 20) : quantity.end + 20], 0, 0),
            )
            left.figures.append((quantity, sentence))
    return left
