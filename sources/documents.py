"""Reading an uploaded report: a plain-text file (UTF-8, with or without a byte-order
mark, or GB18030 as older Chinese Windows saves it) or a Word ``.docx``.

A ``.docx`` is a zip of XML: its paragraphs (``w:p``) are read in order from
``word/document.xml`` with the standard library (zipfile + ElementTree), one line each,
tabs and breaks kept. python-docx would do the same but is not among the project's
dependencies, and the text is all we need (no styles, no images).
"""

import io
import zipfile
from xml.etree import ElementTree

from django.utils.translation import gettext_lazy as _

WORD = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Characters a report's text may hold at most (a long report is some 50,000).
MAX_CHARACTERS = 1_000_000
UNREADABLE = _(
    "无法读取这个文件：请上传 UTF-8 或 GB18030 编码的 .txt 文件，或 Word 的 .docx 文件。"
)


class UnreadableDocument(ValueError):
    pass


def read_text_file(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(UNREADABLE)


def read_docx(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            xml = archive.read("word/document.xml")
        root = ElementTree.fromstring(xml)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise UnreadableDocument(UNREADABLE) from None
    lines = []
    for paragraph in root.iter(f"{WORD}p"):
        parts = []
        for node in paragraph.iter():
            if node.tag == f"{WORD}t":
                parts.append(node.text or "")
            elif node.tag == f"{WORD}tab":
                parts.append("\t")
            elif node.tag in (f"{WORD}br", f"{WORD}cr"):
                parts.append("\n")
        lines.append("".join(parts))
    return "\n".join(lines)


def read_document(upload):
    """The text of an uploaded ``.txt`` or ``.docx`` file (Django ``UploadedFile``)."""
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".docx"):
        text = read_docx(data)
    elif name.endswith(".txt") or name.endswith(".text"):
        text = read_text_file(data)
    else:
        raise UnreadableDocument(UNREADABLE)
    if len(text) > MAX_CHARACTERS:
        raise UnreadableDocument(UNREADABLE)
    return text
