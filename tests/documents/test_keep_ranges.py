"""Number ranges stay on one line in the PDF of a document; user text stays escaped."""

from dankheo.documents.render import keep_ranges


def test_a_range_is_kept_together_and_the_rest_escaped():
    html = str(keep_ranges("Giai đoạn 2021–2025 <b>&</b> 10–15 hộ"))
    assert '<span class="nowrap">2021–2025</span>' in html
    assert '<span class="nowrap">10–15</span>' in html
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in html and "<b>" not in html


def test_a_dash_between_words_is_left_alone():
    assert str(keep_ranges("Tây Ninh – Long An")) == "Tây Ninh – Long An"
