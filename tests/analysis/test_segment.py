"""Clause segmentation: numbers, headings, nesting, and the layout of text extracted from filings."""

from __future__ import annotations

import re
from datetime import date

from analysis.sections import segment
from analysis.text import split_sentences
from sandbox.corpus.generate import generate_records, render_contract
from sandbox.corpus.models import Corpus

NUMBERED = """MASTER SERVICES AGREEMENT

1. Definitions
1.1 "Services" means the services in Schedule 1.
1.2 "Fees" means the fees in Schedule 2.

12. Term and Termination
12.1 Term. This Agreement starts on the Effective Date.
12.2 Termination for Convenience
Either party may terminate this Agreement on sixty (60) days' notice.
(a) Notice must be in writing.
(b) Notice must be signed.
12.3 Effect of Termination. Fees accrued remain payable.
"""


def test_numbers_headings_and_levels() -> None:
    clauses = segment(NUMBERED).clauses
    summary = [(c.number, c.heading, c.level) for c in clauses]
    assert summary == [
        ("1", "Definitions", 0),
        ("1.1", None, 1),
        ("1.2", None, 1),
        ("12", "Term and Termination", 0),
        ("12.1", "Term", 1),
        ("12.2", "Termination for Convenience", 1),
        ("12.2(a)", None, 2),
        ("12.2(b)", None, 2),
        ("12.3", "Effect of Termination", 1),
    ]


def test_sections_nest_and_end_where_the_next_one_starts() -> None:
    clauses = {c.number: c for c in segment(NUMBERED).clauses}
    assert NUMBERED[clauses["12.2"].start :].startswith("12.2 Termination for Convenience")
    assert clauses["12.2"].end == clauses["12.3"].start
    assert clauses["12"].end == len(NUMBERED)
    assert clauses["12"].start < clauses["12.2(a)"].start < clauses["12.2(a)"].end <= clauses["12.2"].end


def test_locate_gives_the_innermost_section_and_nearest_heading() -> None:
    segmentation = segment(NUMBERED)
    position = NUMBERED.index("sixty (60)")
    assert segmentation.locate(position) == ("12.2", "Termination for Convenience")
    assert segmentation.locate(NUMBERED.index("Notice must be signed")) == ("12.2(b)", "Termination for Convenience")
    assert segmentation.locate(NUMBERED.index("MASTER")) == (None, None)
    assert segmentation.headings(position) == ["Termination for Convenience", "Term and Termination"]


def test_section_and_article_keywords() -> None:
    text = (
        "ARTICLE VII\nTERM AND TERMINATION\n\nSection 7.1 Term. The term is two years.\n\n"
        "Section 7.2. Renewal. It renews.\n\nARTICLE VIII\nGENERAL\n\nSection 8.1 Notices. In writing.\n"
    )
    clauses = segment(text).clauses
    assert [(c.number, c.heading, c.level) for c in clauses] == [
        ("VII", "TERM AND TERMINATION", 0),
        ("7.1", "Term", 2),
        ("7.2", "Renewal", 2),
        ("VIII", "GENERAL", 0),
        ("8.1", "Notices", 2),
    ]
    assert clauses[0].end == clauses[3].start


def test_filing_layout_with_sections_after_runs_of_spaces() -> None:
    text = (
        'the parties agree as follows:   1. Definitions:   1.1 "Product" means the goods.   '
        "13. Term.    13.1 The initial term of this Agreement shall be five (5) years.   14. Insurance. Each party..."
    )
    clauses = segment(text).clauses
    assert [(c.number, c.heading) for c in clauses] == [
        ("1", "Definitions"),
        ("1.1", None),
        ("13", "Term"),
        ("13.1", None),
        ("14", "Insurance"),
    ]


def test_sub_clause_after_a_number() -> None:
    clauses = segment("7.1(a) Fees are due monthly.\n7.1(b) Taxes are extra.\n").clauses
    assert [(c.number, c.level) for c in clauses] == [("7.1(a)", 2), ("7.1(b)", 2)]


def test_figures_and_sentences_are_not_sections() -> None:
    text = "Payment is due within\n30 days of invoice.\nThe fee is $5.00 per unit.\n2004 was a good year.\n"
    assert segment(text).clauses == []


def test_empty_text() -> None:
    segmentation = segment("")
    assert segmentation.clauses == []
    assert segmentation.locate(0) == (None, None)


def test_a_line_that_starts_with_a_cross_reference_is_not_a_section() -> None:
    # An amendment's operative line names the amended agreement's section; the section it sits in is its own.
    text = (
        "Section 2. Amendments\n\n(a) Fees\nSection 11.2 of the Agreement is deleted and replaced by the following.\n\n"
        "(b) Term\nSection 4.1 of this Agreement shall read as set out below.\n\n"
        "Section 3. General\nNo other changes.\n"
    )
    segmentation = segment(text)
    assert [c.number for c in segmentation.clauses] == ["2", "2(a)", "2(b)", "3"]
    assert segmentation.locate(text.index("4.1 of this"))[0] == "2(b)"


def test_a_lettered_item_after_a_dated_sentence_starts_a_new_sentence() -> None:
    # A comma earlier in the sentence ("October 9, 2027") does not make "(b)" a hard-wrapped "(1)".
    text = (
        "(a) Discovery. Provider shall finish the discovery work no later than October 9, 2027.\n\n"
        "(b) Design. Provider shall finish the design work no later than November 6, 2027.\n\n"
        "The fee is payable within thirty\n(30) days of invoice."
    )
    sentences = split_sentences(text)
    first = sentences.span_at(text.index("discovery work"))
    assert text[first[0] : first[1]].endswith("October 9, 2027.")
    wrapped = sentences.span_at(text.index("The fee"))
    assert text[wrapped[0] : wrapped[1]] == "The fee is payable within thirty\n(30) days of invoice."


def test_a_month_with_a_stray_full_stop_before_its_day_does_not_end_the_sentence() -> None:
    text = 'This Agreement is effective as of April. 1st 2019 (the "Effective Date"). It ends in May. The end.'
    sentences = split_sentences(text)
    first = sentences.span_at(text.index("effective"))
    assert text[first[0] : first[1]] == 'This Agreement is effective as of April. 1st 2019 (the "Effective Date").'
    assert sentences.span_at(text.index("The end"))[0] == text.index("The end")


def test_roman_items_nest_under_their_letter_and_close_at_the_next_letter() -> None:
    text = (
        "Section 7. Fees.\n\n(a) Invoicing\nSupplier invoices monthly.\n\n(i) Hardware. Charged on delivery.\n\n"
        "(ii) Support. Charged quarterly.\n\n(b) Payment\nCustomer pays within 30 days.\n\n(i) Disputes. Raised in "
        "writing.\n\n(c) Taxes\nExclusive of VAT.\n\n(h) Notices. In writing.\n\n(i) Counterparts. Allowed.\n"
    )
    numbers = [clause.number for clause in segment(text).clauses]
    assert numbers == ["7", "7(a)", "7(a)(i)", "7(a)(ii)", "7(b)", "7(b)(i)", "7(c)", "7(h)", "7(i)"]
    cited = segment(text).locate(text.index("Charged quarterly"))
    assert cited[0] == "7(a)(ii)"


def test_numbered_sub_item_keeps_its_levels_for_the_next_item() -> None:
    text = "5(b)(ii) Late fees apply.\n\n(iii) Interest accrues daily.\n\n(c) Set-off is excluded.\n"
    numbers = [clause.number for clause in segment(text).clauses]
    assert numbers == ["5(b)(ii)", "5(b)(iii)", "5(c)"]


def test_sandbox_roman_items_under_a_lettered_item_keep_the_letter() -> None:
    # The generated SOW milestones and payment clauses nest "(i)".."(v)" under "(a)"/"(b)"; none may be cited
    # as "2(ii)", a section the document does not have.
    records = generate_records(Corpus(contracts=40, seed=20240605, as_of=date(2025, 6, 30)))
    dropped = [
        (record.id, clause.number)
        for record in records.contracts
        for clause in segment(render_contract(records, record).text).clauses
        if clause.number and re.fullmatch(r"\d+(?:\.\d+)*\((?:ii|iii|iv|v)\)", clause.number)
    ]
    assert dropped == []
