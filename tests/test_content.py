from service.content import body_to_safe_html


def test_html_loses_scripts_handlers_and_unsafe_links_but_keeps_story_markup():
    html = body_to_safe_html(
        '<p onclick="steal()">Hi <a href="javascript:alert(1)">bad</a> <a href="https://ok.org">good</a>'
        '<script>alert(1)</script><style>p{}</style><iframe src="x"></iframe></p>'
        '<h1>Top</h1><blockquote>Quote</blockquote><img src="https://ok.org/a.jpg" alt="A" onerror="x()">',
        "html",
    )
    assert "script" not in html and "onclick" not in html and "onerror" not in html and "iframe" not in html
    assert "javascript:" not in html
    assert '<a href="https://ok.org" rel="noopener">good</a>' in html
    assert "<h2>Top</h2>" in html and "<blockquote>Quote</blockquote>" in html
    assert '<img src="https://ok.org/a.jpg" alt="A">' in html


def test_markdown_renders_structure_and_ignores_raw_html():
    html = body_to_safe_html(
        "# Head\n\nSome **bold** and [link](https://x.org).\n\n- a\n- b\n\n<script>x</script>", "markdown"
    )
    assert "<h2>Head</h2>" in html
    assert "<strong>bold</strong>" in html and '<a href="https://x.org" rel="noopener">link</a>' in html
    assert "<li>a</li>" in html
    assert "<script>" not in html


def test_plain_text_paragraphs_split_on_blank_lines_and_are_escaped():
    html = body_to_safe_html("First line\ncontinues.\n\n  Second <b>not bold</b> & more.  \n", "text")
    assert html == "<p>First line continues.</p>\n<p>Second &lt;b&gt;not bold&lt;/b&gt; &amp; more.</p>"
