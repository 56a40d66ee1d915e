from service.content import body_to_safe_html
from service.segments import extract, render, repair_placeholders, restore, segment_html, split_sentences, text_hash

BODY = (
    '<p>Mr. Smith said <a href="https://x.org/a?b=1&amp;c=2">the <b>full</b> report</a> was late. '
    "It cost 3.5 million. Really?</p><h2>Next steps</h2><ul><li>One item.</li><li>Two <em>items</em>.</li></ul>"
    '<blockquote><p>Quote here.</p></blockquote><figure><img src="https://x.org/i.jpg" alt="A &quot;cat&quot;">'
    "<figcaption>The cat, 2026.</figcaption></figure><p>Line<br>break</p>"
)


def test_blocks_and_sentences_become_segments_with_kinds():
    extraction = extract("Title here", "First. Second one.", body_to_safe_html(BODY, "html"))
    kinds = [(s.block, s.text) for s in extraction.segments]
    assert kinds == [
        ("title", "Title here"),
        ("lede", "First."),
        ("lede", "Second one."),
        ("paragraph", "Mr. Smith said <g1>the <g2>full</g2> report</g1> was late."),
        ("paragraph", "It cost 3.5 million."),
        ("paragraph", "Really?"),
        ("heading", "Next steps"),
        ("list_item", "One item."),
        ("list_item", "Two <g1>items</g1>."),
        ("quote", "Quote here."),
        ("alt", 'A "cat"'),
        ("caption", "The cat, 2026."),
        ("paragraph", "Line<x1/>break"),
    ]


def test_untouched_segments_render_back_to_the_same_html():
    safe = body_to_safe_html(BODY, "html")
    extraction = extract("T", "", safe)
    html = [segment_html(s.text, s.markup, s.block) for s in extraction.segments]
    assert render(extraction.skeleton["body"], html) == safe


def test_link_targets_live_in_markup_not_in_the_translatable_text():
    extraction = extract("T", "", body_to_safe_html(BODY, "html"))
    link = next(s for s in extraction.segments if "<g1>" in s.text)
    assert "https://" not in link.text
    assert link.markup["g1"].startswith('<a href="https://x.org/a?b=1&amp;c=2"')


def test_restore_escapes_text_and_never_leaves_tags_open():
    markup = {"g1": '<a href="https://x.org">', "g2": "<b>"}
    assert restore("1 < 2 & <g1>link <g2>bold</g1> tail", markup) == (
        '1 &lt; 2 &amp; <a href="https://x.org">link <b>bold</b></a> tail'
    )
    assert restore("<g7>unknown</g7> <script>", markup) == "&lt;g7&gt;unknown&lt;/g7&gt; &lt;script&gt;"
    assert restore("<g1>never closed", markup) == '<a href="https://x.org">never closed</a>'


def test_sentences_keep_abbreviations_decimals_and_initials():
    assert split_sentences("Dr. Ali paid $3.5 million. U.S. officials agreed. Then J. Doe left!") == [
        "Dr. Ali paid $3.5 million.",
        "U.S. officials agreed.",
        "Then J. Doe left!",
    ]
    assert split_sentences("Read <g1>this. And that.</g1> Done.") == ["Read <g1>this. And that.</g1> Done."]


def test_repair_puts_lost_placeholders_back_in_order():
    source = "Read <g1>the full plan</g1> before the <g2>meeting</g2>."
    kept, moved = repair_placeholders("Lea <g1>el plan</g1> antes de la <g2>reunión</g2>.", source)
    assert (kept, moved) == ("Lea <g1>el plan</g1> antes de la <g2>reunión</g2>.", False)
    repaired, moved = repair_placeholders("Lea el plan completo antes de la reunión.", source)
    assert moved
    assert repaired.count("<g1>") == repaired.count("</g1>") == 1
    assert repaired.index("<g1>") < repaired.index("</g1>") < repaired.index("<g2>") < repaired.index("</g2>")
    assert restore(repaired, {"g1": "<a>", "g2": "<em>"}).count("</a>") == 1


def test_hash_ignores_whitespace_differences_only():
    assert text_hash("A  b\n c") == text_hash("A b c")
    assert text_hash("A b c") != text_hash("A b d")
