"""Protected spans: out of the engine's reach as <nK/>/<dK/>/<tK/>, back in the target's form and grammar."""

from service import glossary, protect
from service.glossary import Term
from service.target_forms import Options

UN = Term("UN", "ONU", gender="f")
META = Term("Meta", "Meta", keep=True)
NATIONS = Term("United Nations", "Naciones Unidas", gender="fp")


def test_spans_become_numbered_tags_of_one_notation_and_the_possessive_stays_readable():
    protected = protect.protect("On June 30, 2018, the UN’s report said 1,500 people died.", "es", [UN])
    assert protected.text == "<d1/>, the <t2/>'s report said <n3/> people died."
    assert [(s.token, s.target) for s in protected.spans] == [
        ("<d1/>", "el 30 de junio de 2018"),
        ("<t2/>", "ONU"),
        ("<n3/>", "1.500"),
    ]
    assert protect.TOKEN.findall(protected.text) and "<g" not in protected.text  # distinct from markup


def test_currency_with_a_scale_word_is_written_out_for_the_engine():
    protected = protect.protect("It cost $4.5 million.", "es", [])
    assert protected.text == "It cost <n1/> million dollars."
    assert protected.spans[0].target == "4,5"


def test_restore_writes_target_forms_with_articles_contractions_gender_and_capitals():
    protected = protect.protect("On June 30, 2018, the UN’s report said 1,500 people died.", "es", [UN])
    engine = "<d1/>, el informe del <t2/> dijo <n3/> personas murieron."  # what Apertium writes
    assert protect.restore(engine, protected, "es").text == (
        "El 30 de junio de 2018, el informe de la ONU dijo 1.500 personas murieron."
    )
    french = protect.protect("The UN met.", "fr", [Term("UN", "ONU", gender="f")])
    assert protect.restore("Le <t1/> a dit.", french, "fr").text == "L'ONU a dit."
    us = protect.protect("They live in the US.", "fr", [Term("US", "États-Unis", gender="mp")])
    assert protect.restore("Ils vivent en le <t1/>.", us, "fr").text == "Ils vivent aux États-Unis."
    plural = protect.protect("The United Nations met.", "es", [NATIONS])
    assert protect.restore("El <t1/> cumplió.", plural, "es").text == "Las Naciones Unidas cumplió."


def test_a_date_after_a_preposition_gets_the_article_and_contraction_it_needs():
    protected = protect.protect("The deadline of June 30 passed.", "es", [], Options(reference_year=2026))
    assert protect.restore("La fecha límite de <d1/> pasó.", protected, "es").text == (
        "La fecha límite del 30 de junio pasó."
    )


def test_tags_the_engine_lost_are_put_back_by_position():
    protected = protect.protect("Meta said 1,500 jobs would go.", "es", [META])
    restored = protect.restore("dijo que empleos irían.", protected, "es")
    words = restored.text.split()
    assert words[0] == "Meta" and "1.500" in words and words.index("1.500") < words.index("empleos")
    assert [s.token for s in restored.placed] == ["<t1/>", "<n2/>"]
    assert protect.strip_tokens(protected.text) == "said jobs would go."


def test_glossary_matching_is_case_aware_and_covers_inflected_and_possessive_forms():
    terms = [META, Term("lawmaker", "legislador"), Term("party", "partido"), Term("prime minister", "primer ministro")]
    found = glossary.find("Meta’s lawmakers met the meta; Prime Minister Ana Paz and two parties. META rose.", terms)
    assert [f.text for f in found] == ["Meta", "lawmakers", "Prime Minister", "parties", "META"]
    assert [glossary.target_form(f.value, "es") for f in found] == [
        "Meta",
        "legisladores",
        "primer ministro",
        "partidos",
        "Meta",
    ]
    assert glossary.find("The metaverse and Metadata.", [META]) == []


def test_a_glossary_entry_overrides_the_engine_and_the_acronym_default():
    us = Term("US", "EE. UU.", gender="mp")
    protected = protect.protect("The US and Meta signed.", "es", [us, META])
    assert [(s.kind, s.target) for s in protected.spans] == [("term", "EE. UU."), ("name", "Meta")]
    assert protect.restore("El <t1/> y <t2/> firmaron.", protected, "es").text == "Los EE. UU. y Meta firmaron."


def test_non_english_sources_protect_addresses_acronyms_and_glossary_terms_only():
    protected = protect.protect("La ONU dijo el 1.500 en https://x.org.", "en", [], source_locale="es")
    assert [s.kind for s in protected.spans] == ["acronym", "url"]


def test_handles_and_dotted_acronyms_are_protected_too():
    protected = protect.protect("Follow @newsdesk and #COP28; the U.S. said so.", "es", [Term("US", "EE. UU.")])
    assert [(s.kind, s.source, s.target) for s in protected.spans] == [
        ("handle", "@newsdesk", "@newsdesk"),
        ("handle", "#COP28", "#COP28"),
        ("term", "U.S.", "EE. UU."),
    ]
    shouted = protect.protect("NATO AND THE EU AGREE", "es", [])
    assert shouted.spans == []  # in a headline written in capitals, capitals are not acronyms
