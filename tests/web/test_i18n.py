"""zh-CN by default, English on request, remembered on the account; catalogues compiled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask.testing import FlaskClient


def test_catalogue_is_compiled_by_the_install(repo_root: Path) -> None:
    assert (repo_root / "wellbeing/translations/zh/LC_MESSAGES/messages.mo").is_file()


def test_login_page_is_chinese_by_default(client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "登录" in page
    assert 'lang="zh-CN"' in page


def test_language_switch_is_remembered_on_the_account(
    client: FlaskClient, make_user: Any, login: Any, csrf: Any, db_session: Any
) -> None:
    user = make_user("officer")
    login(client, user.username)
    assert "我的心理健康检查" in client.get("/").get_data(as_text=True)
    client.post("/lang", data={"lang": "en", "next": "/", "csrf_token": csrf(client, "/")})
    assert "My wellbeing checks" in client.get("/").get_data(as_text=True)
    db_session.refresh(user)
    assert user.locale == "en"


def test_english_user_sees_english_home(client: FlaskClient, make_user: Any, login: Any) -> None:
    user = make_user("leader", unit="ST1", scope="ST1", locale="en")
    login(client, user.username)
    page = client.get("/").get_data(as_text=True)
    assert "Unit reports" in page
    assert 'lang="en"' in page


def test_every_message_has_a_chinese_translation(repo_root: Path) -> None:
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    catalogue_path = repo_root / "wellbeing/translations/zh/LC_MESSAGES/messages.po"
    with catalogue_path.open("rb") as handle:
        catalogue = read_po(handle)
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    keywords = {
        "_": None,
        "gettext": None,
        "_l": None,
        "lazy_gettext": None,
        "N_": None,
        "ngettext": (1, 2),
    }
    untranslated, checked = [], 0
    for filename, _line, message, _comments, _context in extract_from_dir(
        repo_root / "wellbeing", method_map, keywords=keywords
    ):
        msgid = message[0] if isinstance(message, tuple) else message
        checked += 1
        entry = catalogue.get(msgid)
        if msgid and (entry is None or not entry.string):
            untranslated.append(f"{filename}: {msgid[:60]}")
    assert checked > 300  # the extraction really found the service's texts
    assert untranslated == []
