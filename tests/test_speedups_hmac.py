"""The compiled extension's own HMAC-SHA256 (``_speedups.Sha256Key``) against ``hmac`` and RFC 4231.

Where the extension is built and the CPU has the SHA extensions
(``sha256_available()``), every SHA-256 secret's ``Keyring`` holds a ``Sha256Key``
(the two padded-key midstates) and the compiled verifier computes the MAC with it
instead of copying ``hashlib`` states. Elsewhere (other CPUs, and valgrind, which does
not offer the extensions) these tests skip and the verifier copies the ``hashlib``
states as before. ``tests/test_speedups.py`` checks the whole verifier against the
Python schemes on top of this.
"""

from __future__ import annotations

import hashlib
import hmac
import pickle
import random
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compiled import bytes_kept, require_compiled
from webhook_receiver import _accel
from webhook_receiver._schemes import Keyring

require_compiled()

speedups = _accel.compiled


if not speedups.sha256_available():
    pytest.skip(
        "this CPU has no SHA extensions: the compiled verifier hashes through hashlib",
        allow_module_level=True,
    )


def key_block(key: bytes) -> bytes:
    """RFC 2104's key block for SHA-256: the key hashed if longer than 64 bytes, zero-filled."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    return key.ljust(64, b"\0")


def own_mac(key: bytes, *parts: bytes) -> bytes:
    return speedups.Sha256Key(key_block(key)).mac(*parts)  # type: ignore[no-any-return]


# RFC 4231, section 4: HMAC-SHA-256 (test case 5 truncates its output, so is left out).
RFC_4231 = [
    (b"\x0b" * 20, b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
    (
        b"Jefe",
        b"what do ya want for nothing?",
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ),
    (b"\xaa" * 20, b"\xdd" * 50, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
    (
        bytes(range(1, 26)),
        b"\xcd" * 50,
        "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ),
    (
        b"\xaa" * 131,
        b"Test Using Larger Than Block-Size Key - Hash Key First",
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ),
    (
        b"\xaa" * 131,
        b"This is a test using a larger than block-size key and a larger than block-size data. "
        b"The key needs to be hashed before being used by the HMAC algorithm.",
        "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ),
]


@pytest.mark.parametrize(("key", "data", "expected"), RFC_4231)
def test_rfc_4231_vectors(key: bytes, data: bytes, expected: str) -> None:
    assert own_mac(key, data).hex() == expected
    assert hmac.new(key, data, "sha256").hexdigest() == expected


def test_every_length_across_the_block_boundaries() -> None:
    """Each length from 0 to 300 bytes and some large ones, cut into three parts at
    random places, under keys shorter than, as long as and longer than a block."""
    rng = random.Random(4231)
    lengths = [*range(301), 511, 512, 513, 1024, 4095, 4096, 65_537, 1 << 20]
    for length in lengths:
        key = rng.randbytes(rng.choice([0, 1, 16, 32, 55, 56, 63, 64, 65, 128, 131]))
        data = rng.randbytes(length)
        first, second = sorted((rng.randint(0, length), rng.randint(0, length)))
        parts = (data[:first], data[first:second], data[second:])
        assert own_mac(key, *parts) == hmac.new(key, data, "sha256").digest(), (
            length,
            len(key),
            first,
            second,
        )


@settings(max_examples=500, deadline=None)
@given(key=st.binary(max_size=200), parts=st.lists(st.binary(max_size=300), min_size=1, max_size=3))
def test_any_key_and_parts_give_hmacs_value(key: bytes, parts: list[bytes]) -> None:
    assert own_mac(key, *parts) == hmac.new(key, b"".join(parts), "sha256").digest()


def test_buffers_of_any_kind_are_read() -> None:
    key = speedups.Sha256Key(key_block(b"secret"))
    expected = hmac.new(b"secret", b"prefix.body", "sha256").digest()
    assert key.mac(b"prefix.", bytearray(b"body")) == expected
    assert key.mac(memoryview(b"xprefix.")[1:], b"body") == expected
    with pytest.raises(TypeError):
        key.mac("text")
    with pytest.raises(TypeError):
        key.mac()
    with pytest.raises(TypeError):
        key.mac(b"a", b"b", b"c", b"d")


def test_a_key_is_made_from_the_padded_block_only() -> None:
    for wrong in (b"", b"short", b"x" * 63, b"x" * 65):
        with pytest.raises(ValueError, match="64-byte"):
            speedups.Sha256Key(wrong)
    with pytest.raises(TypeError):
        speedups.Sha256Key("x" * 64)


def test_a_key_shows_and_pickles_no_secret() -> None:
    key = speedups.Sha256Key(key_block(b"whsec_very_secret"))
    assert "secret" not in repr(key) and "whsec" not in repr(key)
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(key)


def test_sha256_keyrings_verify_with_it_and_the_others_with_hashlib() -> None:
    sha256 = Keyring((b"one", b"two"), "sha256")
    assert [type(pad).__name__ for pad in sha256.compiled_pads] == ["Sha256Key", "Sha256Key"]
    for index, key in enumerate((b"one", b"two")):
        own = sha256.compiled_pads[index].mac(b"p", b"body", b"s")  # type: ignore[attr-defined]
        assert own == sha256.mac(index, b"p", b"body", b"s") == hmac.new(key, b"pbodys", "sha256").digest()
    for digest in ("sha1", "sha512"):
        keyring = Keyring((b"one",), digest)  # type: ignore[arg-type]
        assert keyring.compiled_pads is keyring.pads
    with _accel.pure_python():
        pure = Keyring((b"one",), "sha256")
        assert pure.compiled_pads is pure.pads


def test_large_bodies_are_hashed_while_other_threads_run() -> None:
    """From 2 KiB the GIL is released while hashing (as hashlib does): results stay exact
    with threads hashing at once."""
    key = speedups.Sha256Key(key_block(b"k"))
    bodies = [bytes([index]) * (300_000 + index) for index in range(8)]
    expected = [hmac.new(b"k", body, "sha256").digest() for body in bodies]
    got: dict[int, bytes] = {}

    def work(index: int) -> None:
        for _ in range(5):
            got[index] = key.mac(b"", bodies[index])

    threads = [threading.Thread(target=work, args=(index,)) for index in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [got[index] for index in range(8)] == expected


def test_no_reference_is_leaked() -> None:
    key = speedups.Sha256Key(key_block(b"k"))
    body = b"x" * 1024

    def run(times: int) -> None:
        for _ in range(times):
            key.mac(b"1.", body, b"")
            speedups.Sha256Key(key_block(b"k"))
            with pytest.raises(TypeError):
                key.mac(b"1.", "not bytes")

    assert bytes_kept(run) < 64 * 1024
