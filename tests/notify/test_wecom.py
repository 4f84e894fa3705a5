"""The 企业微信 client against the fake API: the token cached, refreshed once on expiry, errors."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import httpx
import pytest

from tests.fakes.wecom import FakeWecom
from wellbeing.notify.wecom import TokenCache, WecomClient, WecomError

SEND = "/cgi-bin/message/send"
USERINFO = "/cgi-bin/auth/getuserinfo"


def _client(fake: FakeWecom, secret: str | None = None) -> WecomClient:
    return WecomClient(fake.url, fake.corp_id, secret or fake.secret, tokens=TokenCache())


def test_the_token_is_fetched_once_and_reused(fake_wecom: FakeWecom) -> None:
    client = _client(fake_wecom)
    token = client.access_token()
    assert client.access_token() == token
    assert fake_wecom.tokens_issued == 1
    (request,) = fake_wecom.requests_to("/cgi-bin/gettoken")
    assert request.args == {"corpid": fake_wecom.corp_id, "corpsecret": fake_wecom.secret}


def test_an_expired_token_is_refreshed_and_the_call_repeated_once(fake_wecom: FakeWecom) -> None:
    client = _client(fake_wecom)
    fake_wecom.codes.update({"code-1": "zhangsan", "code-2": "lisi"})
    assert client.call("GET", USERINFO, params={"code": "code-1"})["userid"] == "zhangsan"
    fake_wecom.expire_tokens()  # mid-run: the cached token now answers 42001

    assert client.call("GET", USERINFO, params={"code": "code-2"})["userid"] == "lisi"
    assert fake_wecom.tokens_issued == 2
    calls = fake_wecom.requests_to(USERINFO)
    assert [c.args["code"] for c in calls] == ["code-1", "code-2", "code-2"]
    assert calls[1].args["access_token"] != calls[2].args["access_token"]


def test_a_token_that_keeps_failing_is_not_retried_forever(fake_wecom: FakeWecom) -> None:
    tokens = TokenCache()
    client = WecomClient(fake_wecom.url, fake_wecom.corp_id, fake_wecom.secret, tokens=tokens)
    tokens.put((fake_wecom.url, fake_wecom.corp_id, fake_wecom.secret), "forged", 7200)
    fake_wecom.codes["c"] = "zhangsan"
    assert client.call("GET", USERINFO, params={"code": "c"})["userid"] == "zhangsan"
    assert len(fake_wecom.requests_to(USERINFO)) == 2  # the forged token (40014), then a fresh one


def test_a_token_past_its_lifetime_is_fetched_again() -> None:
    now = [1000.0]
    cache = TokenCache(clock=lambda: now[0])
    key = ("https://wecom.example", "corp", "secret")
    cache.put(key, "t1", 7200)
    now[0] += 7200 - 61
    assert cache.get(key) == "t1"
    now[0] += 1  # inside the last minute: treated as expired
    assert cache.get(key) is None


def test_a_nonzero_errcode_raises_with_its_code(fake_wecom: FakeWecom) -> None:
    with pytest.raises(WecomError) as refused:
        _client(fake_wecom).call("GET", USERINFO, params={"code": "unknown"})
    assert (refused.value.code, refused.value.retryable) == ("errcode_40029", False)


def test_wrong_credentials_are_retryable_config_errors(fake_wecom: FakeWecom) -> None:
    with pytest.raises(WecomError) as refused:
        _client(fake_wecom, secret="wrong").access_token()
    assert (refused.value.code, refused.value.retryable) == ("errcode_40001", True)


def test_an_http_error_is_retryable(fake_wecom: FakeWecom) -> None:
    fake_wecom.fail_next_requests(503)
    with pytest.raises(WecomError) as failed:
        _client(fake_wecom).access_token()
    assert (failed.value.code, failed.value.retryable) == ("http_503", True)


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A loopback port that accepts connections and never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    yield listener.getsockname()[1]
    listener.close()


def test_a_server_that_does_not_answer_times_out(silent_port: int) -> None:
    http = httpx.Client(timeout=0.3)
    client = WecomClient(f"http://127.0.0.1:{silent_port}", "c", "s", http, TokenCache())
    with pytest.raises(WecomError) as failed:
        client.access_token()
    assert (failed.value.code, failed.value.retryable) == ("timeout", True)
    client.close()
