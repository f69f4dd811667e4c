"""Public-key verification against calling ``cryptography`` directly on the same bytes.

For each provider verified with a public key (Discord and Standard Webhooks ``v1a``
with Ed25519, SendGrid with ECDSA P-256), a realistic 1 KiB body is signed once, and
three candidates verify it, interleaved in random order in every round:

- ``floor``: ``public_key.verify(signature, message)`` with the signed message
  already built and the signature already decoded: the cost of the curve
  arithmetic alone, which no library can beat;
- ``by_hand``: what a careful hand-written endpoint does: read the headers, decode
  the signature (hex or base64), check the timestamp, build the signed message and
  call ``cryptography``;
- ``webhook_receiver``: ``provider.verify(headers, body)``, everything included.

Each ratio is a candidate's time over the floor's time in the same round; the median
over the rounds is printed with its spread.

    python benchmarks/bench_public_keys.py [--rounds 15] [--json out.json]
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import statistics
from collections.abc import Callable

from _machine import machine, time_once
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from webhook_receiver import providers
from webhook_receiver.testing import signed_request

NOW = 1_700_000_000.0
SIZE = 1024


def body_of(size: int) -> bytes:
    """A JSON event body of exactly ``size`` bytes."""
    head = b'{"type":"message.updated","id":"evt_1","data":{"note":"'
    tail = b'"}}'
    return head + b"x" * (size - len(head) - len(tail)) + tail


def candidates(body: bytes) -> dict[str, dict[str, Callable[[], None]]]:
    """Per provider: the floor, the hand-written verifier and ours, each a no-argument call."""
    found: dict[str, dict[str, Callable[[], None]]] = {}

    # Discord: X-Signature-Ed25519 (hex) over X-Signature-Timestamp + body.
    # Fixed keys (and a deterministic ECDSA signature below): the cost of verifying
    # depends a little on the key and signature, so every run, and every process
    # count_public_keys.py starts, must verify the same bytes under the same keys.
    signer = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    key = signer.public_key()
    public_hex = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()
    discord = providers.create("discord", public_key=public_hex, clock=lambda: NOW)
    headers, signed_body = signed_request(discord, body, timestamp=NOW, private_key=_pem(signer))
    stamp = headers["X-Signature-Timestamp"]
    message = stamp.encode() + signed_body
    signature = bytes.fromhex(headers["X-Signature-Ed25519"])

    def discord_by_hand() -> None:
        sig = bytes.fromhex(headers["X-Signature-Ed25519"])
        ts = headers["X-Signature-Timestamp"]
        if abs(NOW - int(ts)) > 300:
            raise ValueError("stale")
        key.verify(sig, ts.encode() + signed_body)

    found["discord"] = {
        "floor": lambda: key.verify(signature, message),
        "by_hand": discord_by_hand,
        "webhook_receiver": lambda: discord.verify(headers, signed_body, now=NOW),
    }

    # Standard Webhooks v1a: "v1a,<base64>" over "<id>.<timestamp>.<body>".
    v1a_signer = ed25519.Ed25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
    sw_key = v1a_signer.public_key()
    v1a_public = sw_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    seed = v1a_signer.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    whpk = "whpk_" + base64.b64encode(v1a_public).decode()
    whsk = "whsk_" + base64.b64encode(seed).decode()
    standard = providers.create("standard-webhooks", public_key=whpk, clock=lambda: NOW)
    sw_headers, _ = signed_request(standard, body, timestamp=NOW, private_key=whsk, msg_id="msg_bench")
    sw_message = f"{sw_headers['webhook-id']}.{sw_headers['webhook-timestamp']}.".encode() + body
    sw_signature = base64.b64decode(sw_headers["webhook-signature"].split(",", 1)[1])

    def standard_by_hand() -> None:
        msg_id, ts = sw_headers["webhook-id"], sw_headers["webhook-timestamp"]
        if abs(NOW - int(ts)) > 300:
            raise ValueError("stale")
        for entry in sw_headers["webhook-signature"].split(" "):
            version, _, value = entry.partition(",")
            if version == "v1a":
                sw_key.verify(base64.b64decode(value), f"{msg_id}.{ts}.".encode() + body)
                return
        raise ValueError("no v1a signature")

    found["standard-webhooks-v1a"] = {
        "floor": lambda: sw_key.verify(sw_signature, sw_message),
        "by_hand": standard_by_hand,
        "webhook_receiver": lambda: standard.verify(sw_headers, body, now=NOW),
    }

    # SendGrid: base64 DER ECDSA P-256/SHA-256 over timestamp + body.
    ec_signer = ec.derive_private_key(0x5EED_5EED_5EED_5EED_5EED, ec.SECP256R1())
    sg_key = ec_signer.public_key()
    der = sg_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    sendgrid = providers.create("sendgrid", public_key=base64.b64encode(der).decode(), clock=lambda: NOW)
    sg_body = b"[" + body + b"]"
    signature_header = "X-Twilio-Email-Event-Webhook-Signature"
    timestamp_header = "X-Twilio-Email-Event-Webhook-Timestamp"
    stamp = str(int(NOW))
    deterministic = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)  # RFC 6979
    sg_headers = {
        timestamp_header: stamp,
        signature_header: base64.b64encode(ec_signer.sign(stamp.encode() + sg_body, deterministic)).decode(),
    }
    sg_message = sg_headers[timestamp_header].encode() + sg_body
    sg_signature = base64.b64decode(sg_headers[signature_header])
    algorithm = ec.ECDSA(hashes.SHA256())

    def sendgrid_by_hand() -> None:
        ts = sg_headers[timestamp_header]
        if abs(NOW - int(ts)) > 300:
            raise ValueError("stale")
        sg_key.verify(base64.b64decode(sg_headers[signature_header]), ts.encode() + sg_body, algorithm)

    found["sendgrid"] = {
        "floor": lambda: sg_key.verify(sg_signature, sg_message, algorithm),
        "by_hand": sendgrid_by_hand,
        "webhook_receiver": lambda: sendgrid.verify(sg_headers, sg_body, now=NOW),
    }
    return found


def _pem(key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--repeat", type=int, default=400, help="calls per measurement")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON (for run.py)")
    args = parser.parse_args()
    rows: list[dict[str, object]] = []
    print(f"# {machine()}")
    print(
        f"# {args.rounds} interleaved rounds, {SIZE}-byte bodies; ratio = time / floor time in the same round"
    )
    print(f"{'provider':<22} {'candidate':<18} {'median us':>10} {'ratio':>7} {'spread':>13}")
    rng = random.Random(1)
    for provider, fns in candidates(body_of(SIZE)).items():
        times: dict[str, list[float]] = {name: [] for name in fns}
        ratios: dict[str, list[float]] = {name: [] for name in fns}
        for fn in fns.values():
            time_once(fn, max(1, args.repeat // 5))  # warm up
        for _ in range(args.rounds):
            order = list(fns)
            rng.shuffle(order)
            this_round = {name: time_once(fns[name], args.repeat) for name in order}
            for name, ns in this_round.items():
                times[name].append(ns)
                ratios[name].append(ns / this_round["floor"])
        for name in fns:
            med = statistics.median(times[name]) / 1000
            r = ratios[name]
            rows.append(
                {"provider": provider, "size": SIZE, "candidate": name, "median_us": med}
                | {"ratio": statistics.median(r), "min": min(r), "max": max(r)}
            )
            print(
                f"{provider:<22} {name:<18} {med:>10.2f} {statistics.median(r):>7.3f} "
                f"{min(r):>6.3f}-{max(r):<6.3f}"
            )
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump({"rounds": args.rounds, "rows": rows}, out)


if __name__ == "__main__":
    main()
