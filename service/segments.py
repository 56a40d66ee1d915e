"""Split a post into translatable segments, and put translated segments back together.

A revision becomes a *skeleton* (the safe HTML with every run of text replaced by markers
`<!--s:N-->`) plus *segments*: one sentence, title, heading, list item, caption or image alt
text each. Inline markup inside a segment becomes placeholders: `<g1>…</g1>` for a paired tag
(link, bold, italics) and `<x1/>` for a line break. The real tags (with their `href`) live in
the segment's `markup`, out of reach of MT and translators, and are restored at publish time.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser

from service.content import INLINE_TAGS

MARKER = re.compile(r"<!--s:(\d+)-->")
PLACEHOLDER = re.compile(r"<(/?)g(\d+)>|<x(\d+)/>")
_BLOCK_KIND = {
    "p": "paragraph",
    "li": "list_item",
    "figcaption": "caption",
    "h2": "heading",
    "h3": "heading",
    "h4": "heading",
    "h5": "heading",
    "h6": "heading",
}
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "prof", "st", "no", "vs", "etc", "e.g", "i.e", "jan", "feb", "gen", "sen"}
_SENTENCE_END = re.compile(r"(?<=[.!?؟۔])[\"'”’»)]*\s+")


@dataclass
class SourceSegment:
    block: str
    text: str
    markup: dict[str, str] = field(default_factory=dict)

    @property
    def source_hash(self) -> str:
        return text_hash(self.text)


@dataclass
class Extraction:
    segments: list[SourceSegment]
    skeleton: dict[str, str]


def normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_hash(text: str) -> str:
    """Identical source segments share a hash, which translation memory looks up."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()


class TooManySegments(ValueError):
    """More segments than a post may have; raised as soon as the limit is passed, so a huge
    body costs no more than a post at the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} segments")
        self.limit = limit


def extract(title: str, lede: str, body_html: str, limit: int | None = None) -> Extraction:
    """Cut title, lede and the safe body HTML into segments and a skeleton (at most `limit`)."""
    segments: list[SourceSegment] = []

    def add_plain(block: str, text: str, split: bool) -> str:
        pieces = split_sentences(normalise(text), _room(segments, limit)) if split else [normalise(text)]
        markers = []
        for piece in filter(None, pieces):
            markers.append(f"<!--s:{len(segments)}-->")
            segments.append(SourceSegment(block, piece))
        _check(segments, limit)
        return " ".join(markers)

    skeleton = {"title": add_plain("title", title, split=False), "lede": add_plain("lede", lede, split=True)}
    parser = _BodyParser(segments, limit)
    parser.feed(body_html)
    parser.close()
    skeleton["body"] = parser.skeleton()
    return Extraction(segments=segments, skeleton=skeleton)


def _room(segments: list[SourceSegment], limit: int | None) -> int | None:
    return None if limit is None else limit - len(segments)


def _check(segments: list[SourceSegment], limit: int | None) -> None:
    if limit is not None and len(segments) > limit:
        raise TooManySegments(limit)


def split_sentences(text: str, most: int | None = None) -> list[str]:
    """Split at sentence ends outside placeholders, keeping abbreviations and initials whole.

    One pass over the text: the placeholder depth is followed as the sentence ends come, and
    each check looks only near the end it judges, so a huge body is split in linear time.
    With `most`, it stops once it has found more sentences than that (the caller refuses).
    """
    sentences, start = [], 0
    placeholders = PLACEHOLDER.finditer(text)
    upcoming, depth = next(placeholders, None), 0
    for match in _SENTENCE_END.finditer(text):
        end = match.start()
        while upcoming is not None and upcoming.end() <= end:
            if upcoming.group(3) is None:
                depth += -1 if upcoming.group(1) else 1
            upcoming = next(placeholders, None)
        if depth > 0 or _is_abbreviation(text, start, end):
            continue
        following = text[match.end() : match.end() + 1]
        if following and not (
            following.isupper() or following.isdigit() or not following.isascii() or following in "\"'“«(<"
        ):
            continue
        sentences.append(text[start : match.end()].strip())
        start = match.end()
        if most is not None and len(sentences) > most:
            return sentences
    tail = text[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _is_abbreviation(text: str, start: int, end: int) -> bool:
    """Does the sentence text[start:end] end in an abbreviation or an initial ("Dr.", "J.")?"""
    words = PLACEHOLDER.sub("", text[max(start, end - 80) : end]).split()
    if not words:
        return False
    last = words[-1].rstrip(".").lower()
    return last in _ABBREVIATIONS or (len(last) == 1 and last.isalpha())


class _BodyParser(HTMLParser):
    """Stream the safe HTML: block tags go to the skeleton, inline runs become segments."""

    def __init__(self, segments: list[SourceSegment], limit: int | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.segments = segments
        self.limit = limit
        self.out: list[str] = []
        self.run: list[str] = []
        self.markup: dict[str, str] = {}
        self.open_stack: list[str] = []
        self.blocks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        opening = _render_tag(tag, attrs)
        if tag in INLINE_TAGS:
            number = len(self.markup) + 1
            if tag == "br":
                self.markup[f"x{number}"] = opening
                self.run.append(f"<x{number}/>")
            else:
                self.markup[f"g{number}"] = opening
                self.open_stack.append(f"g{number}")
                self.run.append(f"<g{number}>")
            return
        self.flush()
        if tag == "img":
            self.out.append(self._image(attrs))
            return
        self.out.append(opening)
        self.blocks.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in INLINE_TAGS:
            if tag != "br" and self.open_stack:
                self.run.append(f"</{self.open_stack.pop()}>")
            return
        if tag == "img":
            return
        self.flush()
        self.out.append(f"</{tag}>")
        if tag in self.blocks:
            del self.blocks[len(self.blocks) - 1 - self.blocks[::-1].index(tag)]

    def handle_data(self, data: str) -> None:
        self.run.append(data)

    def flush(self) -> None:
        """Turn the pending inline run into sentence segments and markers in the skeleton."""
        text = normalise("".join(self.run))
        markup, self.run, self.markup, self.open_stack = self.markup, [], {}, []
        if not PLACEHOLDER.sub("", text).strip():
            if text:
                self.out.append(restore(text, markup))
            return
        markers = []
        for sentence in split_sentences(text, _room(self.segments, self.limit)):
            used = {key: markup[key] for key in _keys_in(sentence) if key in markup}
            markers.append(f"<!--s:{len(self.segments)}-->")
            self.segments.append(SourceSegment(self._kind(), sentence, used))
        _check(self.segments, self.limit)
        self.out.append(" ".join(markers))

    def _kind(self) -> str:
        if "blockquote" in self.blocks:
            return "quote"
        for tag in reversed(self.blocks):
            if tag in _BLOCK_KIND:
                return _BLOCK_KIND[tag]
        return "paragraph"

    def _image(self, attrs: list[tuple[str, str | None]]) -> str:
        values = dict(attrs)
        alt = normalise(values.get("alt") or "")
        if alt:
            values["alt"] = f"\x00{len(self.segments)}\x00"
            self.segments.append(SourceSegment("alt", alt))
            _check(self.segments, self.limit)
        tag = _render_tag("img", list(values.items()))
        return re.sub("\x00(\\d+)\x00", r"<!--s:\1-->", tag)

    def skeleton(self) -> str:
        self.flush()
        return "".join(self.out)


def _keys_in(text: str) -> list[str]:
    """The markup keys (g1, x2, ...) whose placeholders occur in a segment."""
    return [f"x{m.group(3)}" if m.group(3) else f"g{m.group(2)}" for m in PLACEHOLDER.finditer(text)]


def _render_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    rendered = "".join(f' {name}="{html.escape(value or "", quote=True)}"' for name, value in attrs)
    return f"<{tag}{rendered}>"


def restore(text: str, markup: dict[str, str]) -> str:
    """HTML for a (translated) segment: text escaped, known placeholders back to real tags.

    Unknown placeholders stay as escaped text; tags left open are closed at the end, so a
    careless edit can never break the page around it.
    """
    out, open_tags, position = [], [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(html.escape(text[position : match.start()], quote=False))
        position = match.end()
        closing, g_number, x_number = match.groups()
        key = f"x{x_number}" if x_number else f"g{g_number}"
        if key not in markup:
            out.append(html.escape(match.group(0), quote=False))
        elif x_number:
            out.append(markup[key])
        elif not closing:
            out.append(markup[key])
            open_tags.append(key)
        elif key in open_tags:
            while open_tags:
                inner = open_tags.pop()
                out.append(f"</{_tag_name(markup[inner])}>")
                if inner == key:
                    break
    out.append(html.escape(text[position:], quote=False))
    out.extend(f"</{_tag_name(markup[key])}>" for key in reversed(open_tags))
    return "".join(out)


def segment_html(text: str, markup: dict[str, str], block: str) -> str:
    """HTML for one segment where it stands: alt texts are attribute values, plain text."""
    if block == "alt":
        return html.escape(plain(text), quote=True)
    return restore(text, markup)


def plain(text: str) -> str:
    """The segment without its placeholders (titles, search, length checks)."""
    return normalise(PLACEHOLDER.sub(" ", text).replace(" .", ".").replace(" ,", ","))


def _tag_name(opening: str) -> str:
    return re.match(r"<(\w+)", opening).group(1)


def render(skeleton: str, segment_html: list[str]) -> str:
    """Fill a skeleton's markers with the HTML of each segment (alt texts as attributes)."""

    def fill(match: re.Match[str]) -> str:
        return segment_html[int(match.group(1))]

    return MARKER.sub(fill, skeleton)


def placeholders_of(text: str) -> list[str]:
    return [match.group(0) for match in PLACEHOLDER.finditer(text)]


def repair_placeholders(translated: str, source: str) -> tuple[str, bool]:
    """Make sure every placeholder of the source is in the translation, in a valid order.

    MT engines often drop or scramble placeholders. When that happens the placeholders are put
    back at the same relative position in the translation (at word edges), and the caller flags
    the segment so a translator checks where the link or emphasis landed.
    """
    wanted = placeholders_of(source)
    if not wanted or placeholders_of(translated) == wanted:
        return translated, False
    words = PLACEHOLDER.sub(" ", translated).split()
    if not words:
        return source, True
    total = max(len(PLACEHOLDER.sub("", source)), 1)
    count, previous = len(words), 0
    opened: dict[str, int] = {}
    slots: dict[int, list[str]] = {}
    for token, offset in _placeholder_offsets(source):
        slot = round(offset / total * count)
        if token.startswith("</g"):
            slot = max(slot, opened.get(token[2:-1], 0) + 1)
        elif token.startswith("<g"):
            slot = min(slot, count - 1)
        slot = min(max(slot, previous), count)
        if token.startswith("<g"):
            opened[token[1:-1]] = slot
        slots.setdefault(slot, []).append(token)
        previous = slot
    out: list[str] = []
    for index in range(count + 1):
        out.extend(slots.get(index, []))
        if index < count:
            out.append(words[index])
    return _join_tokens(out), True


def _placeholder_offsets(source: str) -> list[tuple[str, int]]:
    result, removed = [], 0
    for match in PLACEHOLDER.finditer(source):
        result.append((match.group(0), match.start() - removed))
        removed += len(match.group(0))
    return result


def _join_tokens(tokens: list[str]) -> str:
    """Opening placeholders stick to the next word, closing ones to the previous word."""
    text, glue = "", False
    for token in tokens:
        if not text or glue or token.startswith("</g"):
            text += token
        else:
            text += " " + token
        glue = token.startswith("<g")
    return text
