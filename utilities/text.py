"""Report texts and quotes as text that stays byte for byte.

One normaliser for every write path (admin, API, import, loader, ORM save): line endings
become LF, characters Unicode NFC, and lines lose their trailing spaces and tabs. Spaces that
are characters of the received document (no-break spaces, the ideographic space U+3000) are
kept: they are part of the report as it was received, and matching ignores them anyway.

Quotes are found in a report whatever whitespace lies between their characters (a quote
copied across a line break, or with an extra space), and a quote that is not there is
answered with the nearest passage of the report, so a clerk can correct it.
"""

import re
import unicodedata
from difflib import SequenceMatcher

# Spaces and tabs before a line break or the end of the text.
TRAILING_SPACES = re.compile(r"[ \t]+(?=\n|\Z)")

# A passage this similar to the quote (difflib's ratio, 0…1) is worth showing as a hint.
NEAREST_MIN_RATIO = 0.5


def normalise_text(text, strip=False):
    """LF line endings, Unicode NFC, no spaces or tabs at the end of a line; ``strip`` also
    removes whitespace around the whole text (for a quote, not for a report)."""
    if text is None:
        return text
    text = str(text).replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = TRAILING_SPACES.sub("", text)
    return text.strip() if strip else text


class Squeezed:
    """A text without its whitespace, and where each remaining character stood."""

    def __init__(self, text):
        self.positions = [i for i, char in enumerate(text) if not char.isspace()]
        self.text = "".join(text[i] for i in self.positions)

    def span(self, start, end):
        """The span of the original text covering squeezed characters ``start:end``."""
        return self.positions[start], self.positions[end - 1] + 1


def squeeze(text):
    return "".join(char for char in text if not char.isspace())


def find_quote(text, quote, squeezed=None):
    """Where the quote stands in the text, as ``(start, end)``, whatever whitespace lies
    between its characters; ``None`` when it is not there. An exact occurrence wins; the
    span found otherwise starts and ends on a character of the quote."""
    if not quote:
        return None
    start = text.find(quote)
    if start >= 0:
        return start, start + len(quote)
    target = squeeze(quote)
    if not target:
        return None
    squeezed = squeezed or Squeezed(text)
    start = squeezed.text.find(target)
    if start < 0:
        return None
    return squeezed.span(start, start + len(target))


def nearest_passage(text, quote, min_ratio=NEAREST_MIN_RATIO):
    """The passage of the text most like the quote (whitespace ignored), or ``None`` when
    nothing is at least ``min_ratio`` alike.

    Windows the length of the quote, half a quote apart, are scored with difflib (cheap
    upper bounds first); around the best, the matching blocks give the passage's ends."""
    target = squeeze(quote or "")
    squeezed = Squeezed(text or "")
    if not target or not squeezed.text:
        return None
    size = len(target)
    matcher = SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(target)
    step = max(1, size // 2)
    best_ratio, best_start = -1.0, 0
    for start in range(0, max(1, len(squeezed.text) - size + step), step):
        matcher.set_seq1(squeezed.text[start : start + size])
        if matcher.real_quick_ratio() <= best_ratio or matcher.quick_ratio() <= best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best_ratio, best_start = ratio, start
    # Around the best window: from the first to the last block the quote shares with it.
    low = max(0, best_start - size)
    region = squeezed.text[low : best_start + 2 * size]
    matcher.set_seq1(region)
    blocks = [block for block in matcher.get_matching_blocks() if block.size]
    shortest = 2 if size >= 6 else 1
    blocks = [block for block in blocks if block.size >= shortest] or blocks
    if not blocks:
        return None
    begin, end = blocks[0].a, blocks[-1].a + blocks[-1].size
    if SequenceMatcher(None, region[begin:end], target, autojunk=False).ratio() < min_ratio:
        return None
    start, stop = squeezed.span(low + begin, low + end)
    return text[start:stop]
