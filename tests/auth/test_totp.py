"""TOTP against the RFC 6238 test vectors, drift, and the otpauth URI; recovery-code hashing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from wellbeing.auth import totp

SEEDS = {
    "SHA1": b"12345678901234567890",
    "SHA256": b"12345678901234567890123456789012",
    "SHA512": b"1234567890123456789012345678901234567890123456789012345678901234",
}
# RFC 6238 Appendix B: (time, SHA1, SHA256, SHA512), eight digits.
VECTORS = [
    (59, "94287082", "46119246", "90693936"),
    (1111111109, "07081804", "68084774", "25091201"),
    (1111111111, "14050471", "67062674", "99943326"),
    (1234567890, "89005924", "91819424", "93441116"),
    (2000000000, "69279037", "90698825", "38618901"),
    (20000000000, "65353130", "77737706", "47863826"),
]


@pytest.mark.parametrize(("moment", "sha1", "sha256", "sha512"), VECTORS)
def test_rfc_6238_vectors(moment: int, sha1: str, sha256: str, sha512: str) -> None:
    for algorithm, expected in (("SHA1", sha1), ("SHA256", sha256), ("SHA512", sha512)):
        code = totp.code_at(SEEDS[algorithm], moment, digits=8, algorithm=algorithm)
        assert code == expected, algorithm


def test_a_code_matches_its_step_and_one_either_side_only() -> None:
    secret = totp.new_secret()
    now = 1_800_000_000
    code = totp.code_at(secret, now)
    assert totp.matching_step(secret, code, now) == totp.step_of(now)
    assert totp.matching_step(secret, code, now + 30) == totp.step_of(now)
    assert totp.matching_step(secret, code, now - 30) == totp.step_of(now)
    assert totp.matching_step(secret, code, now + 90) is None
    assert totp.matching_step(secret, f"{code[:3]} {code[3:]}", now) == totp.step_of(now)
    full_width = code.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert totp.matching_step(secret, full_width, now) == totp.step_of(now)


@pytest.mark.parametrize("junk", ["", "12345", "1234567", "abcdef", "١٢٣٤٥٦", "12345\x00"])
def test_malformed_codes_match_nothing(junk: str) -> None:
    assert totp.matching_step(totp.new_secret(), junk, 1_800_000_000) is None


def test_provisioning_uri_carries_the_key_and_issuer() -> None:
    secret = totp.new_secret()
    uri = totp.provisioning_uri(secret, "counsellor1", "心理健康服务站")
    parts = urlsplit(uri)
    query = parse_qs(parts.query)
    assert parts.scheme == "otpauth"
    assert parts.netloc == "totp"
    assert query["secret"] == [totp.to_base32(secret)]
    assert query["issuer"] == ["心理健康服务站"]
    assert query["digits"] == ["6"]
    assert query["period"] == ["30"]
