"""A registry search's total and shown ids are kept in the shared cache by the search,
the reader's scope and the data versions (registry.queries, web.kept): a repeated search
reads only the page's rows, a commit shows at once, and one reader's scope never lends
its results to another's."""

from dankheo.extensions import db
from tests.factories import make_initiative


def _names(client, url):
    html = client.get(url).get_data(as_text=True)
    return html


def test_a_repeated_search_reads_only_the_rows(client, auth, users, units, count_queries):
    make_initiative(units["c11"], "Đường hoa nông thôn mới")
    db.session.commit()
    auth.login("thuky")
    url = "/registry/initiatives?q=duong+hoa"
    client.get(url)  # the first search computes and keeps
    db.session.expire_all()
    with count_queries() as first:
        assert "Đường hoa nông thôn mới" in _names(client, url)
    app = client.application
    app.config["LIST_CACHE_SECONDS"] = 0
    db.session.expire_all()
    with count_queries() as uncached:
        assert "Đường hoa nông thôn mới" in _names(client, url)
    # Kept: the count and the ids statements are not run again.
    assert first.count <= uncached.count - 2


def test_a_commit_shows_in_the_next_search_at_once(client, auth, users, units):
    make_initiative(units["c11"], "Đường hoa xã Một")
    db.session.commit()
    auth.login("thuky")
    url = "/registry/initiatives?q=duong+hoa"
    html = _names(client, url)
    assert "Đường hoa xã Một" in html and "Đường hoa xã Hai" not in html
    make_initiative(units["c21"], "Đường hoa xã Hai")
    db.session.commit()
    html = _names(client, url)
    assert "Đường hoa xã Một" in html and "Đường hoa xã Hai" in html


def test_the_same_search_in_another_scope_is_not_shared(client, auth, users, units):
    make_initiative(units["c11"], "Đường hoa xã Một")
    make_initiative(units["c21"], "Đường hoa xã Hai")
    db.session.commit()
    url = "/registry/initiatives?q=duong+hoa"
    auth.login("thuky")  # the province: both
    html = _names(client, url)
    assert "Đường hoa xã Một" in html and "Đường hoa xã Hai" in html
    auth.logout()
    auth.login("canbo.c11")  # one commune: its own only
    html = _names(client, url)
    assert "Đường hoa xã Một" in html and "Đường hoa xã Hai" not in html
