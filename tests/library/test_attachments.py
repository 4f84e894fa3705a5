"""Attached files: type found from the content, size limit, nothing stored when refused, and
served with the checked type, a download disposition and nosniff."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import csrf_from
from wellbeing.library.files import MAX_ATTACHMENT_BYTES, sniff_type
from wellbeing.library.models import ArticleAttachment

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 64
MP3_FRAME = b"\xff\xfb\x90\x64" + b"\x00" * 64
M4A = b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom" + b"\x00" * 32
OGG = b"OggS\x00\x02" + b"\x00" * 64


def _stored(db_session: Any) -> int:
    return db_session.scalar(select(func.count()).select_from(ArticleAttachment))


def _upload(client: Any, article_id: str, headers: Any, name: str, data: bytes) -> Any:
    """A multipart upload built in memory (the test client would spool a large one to a file)."""
    boundary = "library-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"/api/v1/articles/{article_id}/attachments",
        data=body,
        headers=headers,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


@pytest.mark.parametrize(
    ("data", "kind"),
    [(PDF, "application/pdf"), (MP3, "audio/mpeg"), (MP3_FRAME, "audio/mpeg"),
     (M4A, "audio/mp4"), (OGG, "audio/ogg"), (b"<html><script>", None), (b"MZ\x90\x00", None),
     (b"\x89PNG\r\n\x1a\n", None), (b"\x00\x00\x00\x20ftypisom", None), (b"", None)],
)  # fmt: skip
def test_the_type_is_read_from_the_content(data: bytes, kind: str | None) -> None:
    assert sniff_type(data) == kind


def test_a_pdf_is_stored_and_served_as_a_pdf_download(
    client: Any, db_session: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    article = make_article()
    response = _upload(client, article.id, bearer("writer"), "睡眠 指南.exe", PDF)
    assert response.status_code == 201
    body = response.get_json()
    assert body["content_type"] == "application/pdf"
    assert body["filename"].endswith(".pdf")  # the name follows the real type
    assert body["size"] == len(PDF)
    served = client.get(f"/api/v1/attachments/{body['id']}", headers=bearer("reader"))
    assert served.status_code == 200
    assert served.data == PDF
    assert served.headers["Content-Type"] == "application/pdf"
    assert served.headers["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    detail = client.get(f"/api/v1/articles/{article.id}", headers=bearer("reader")).get_json()
    assert [a["id"] for a in detail["attachments"]] == [body["id"]]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("guide.pdf", b"<html><script>alert(1)</script></html>"),  # a web page named .pdf
        ("song.mp3", b"MZ\x90\x00" + b"\x00" * 100),  # a program named .mp3
        ("image.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("empty.pdf", b""),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * MAX_ATTACHMENT_BYTES),  # one byte over the limit
        ("huge.pdf", b"%PDF-1.7\n" + b"0" * (2 * MAX_ATTACHMENT_BYTES + 10)),  # body refused
    ],
)
def test_a_refused_file_is_422_and_nothing_is_stored(
    client: Any,
    db_session: Any,
    people: Any,
    bearer: Any,
    make_article: Any,
    name: str,
    data: bytes,
) -> None:
    article = make_article()
    response = _upload(client, article.id, bearer("writer"), name, data)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["field"] == "file"
    assert error["code"] in {"attachment_refused", "invalid"}
    assert _stored(db_session) == 0


def test_a_file_exactly_at_the_limit_is_accepted(
    client: Any, db_session: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    data = b"%PDF-1.7\n" + b"0" * (MAX_ATTACHMENT_BYTES - 9)
    response = _upload(client, make_article().id, bearer("writer"), "a.pdf", data)
    assert response.status_code == 201
    assert response.get_json()["size"] == MAX_ATTACHMENT_BYTES


def test_readers_may_not_attach_and_drafts_files_are_hidden(
    client: Any, db_session: Any, people: Any, bearer: Any, make_article: Any
) -> None:
    draft = make_article(published=False)
    assert _upload(client, draft.id, bearer("reader"), "a.pdf", PDF).status_code == 403
    stored = _upload(client, draft.id, bearer("writer"), "a.pdf", PDF).get_json()
    assert (
        client.get(f"/api/v1/attachments/{stored['id']}", headers=bearer("reader")).status_code
        == 404
    )
    assert client.get(f"/library/files/{stored['id']}").status_code == 302  # anonymous


def test_the_web_upload_refuses_a_disguised_file_and_stores_nothing(
    client: Any, db_session: Any, people: Any, login: Any, make_article: Any
) -> None:
    article = make_article()
    login(client, "writer")
    token = csrf_from(client, f"/library/{article.id}/edit")
    page = client.post(
        f"/library/{article.id}/files",
        data={"csrf_token": token, "file": (io.BytesIO(b"<svg onload=alert(1)>"), "x.pdf")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 422
    assert 'id="form-problem"' in page.get_data(as_text=True)
    assert _stored(db_session) == 0
    done = client.post(
        f"/library/{article.id}/files",
        data={"csrf_token": token, "file": (io.BytesIO(OGG), "calm.ogg")},
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    [stored] = db_session.scalars(select(ArticleAttachment)).all()
    served = client.get(f"/library/files/{stored.id}")
    assert served.headers["Content-Type"] == "audio/ogg"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
