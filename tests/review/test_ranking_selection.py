"""The ranking's bulk selection: "down to the cut line" and "all shown", ticked by the
server when the page is used without JavaScript; terms explained in plain words."""

import re

from dankheo.extensions import db
from dankheo.models import NominationState
from tests.review.conftest import in_review
from tests.review.test_ranking import _card


def _checked(html) -> set[int]:
    return {int(i) for i in re.findall(r'name="ids" value="(\d+)"[^>]*checked', html)}


def test_select_down_to_the_cut_line_ticks_the_rows_within_the_quota(review_world, client, auth):
    w = review_world  # quota 2
    noms = in_review(w, n=4)
    for nomination, total in zip(noms, (40, 30, 20, 10), strict=True):
        _card(nomination, w["reviewers"][0], total)
    noms[3].state = NominationState.APPROVED  # already decided: no box
    db.session.commit()
    auth.login("thuky")
    url = f"/review/campaigns/{w['campaign'].id}/ranking"
    html = client.get(url).get_data(as_text=True)
    assert _checked(html) == set()
    assert "Chọn đến vạch chỉ tiêu" in html and "Chọn tất cả đang hiển thị" in html
    assert _checked(client.get(url + "?chon=vach").get_data(as_text=True)) == {
        noms[0].id,
        noms[1].id,
    }
    assert _checked(client.get(url + "?chon=tat-ca").get_data(as_text=True)) == {
        noms[0].id,
        noms[1].id,
        noms[2].id,
    }


def test_the_ranking_explains_its_terms(review_world, client, auth):
    in_review(review_world, n=1)
    db.session.commit()
    auth.login("thuky")
    html = client.get(f"/review/campaigns/{review_world['campaign'].id}/ranking").get_data(
        as_text=True
    )
    assert "Các cột điểm nghĩa là gì?" in html
    assert "<dt>Điểm chuẩn hóa (z)</dt>" in html and "thói quen chấm" in html
    assert "<dt>Trung vị</dt>" in html and "<dt>Độ lệch</dt>" in html
