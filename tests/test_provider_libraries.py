"""Requests signed by the providers' own Python packages verify with this library.

And the other way round: the providers' packages accept our known-answer vectors, so
the vectors themselves are right.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime

import pytest
import slack_sdk.signature
import standardwebhooks
import stripe
from freezegun import freeze_time

from webhook_receiver import SignatureMismatch, providers

from .conftest import NOW, VECTORS

BODY = b'{"id":"evt_1NG8Du2eZvKYlo2CUI79vXWy","object":"event","type":"invoice.paid","created":1700000000}'


def _valid(provider: str) -> dict[str, object]:
    return next(v for v in VECTORS if v["id"] == f"{provider}/valid")


class TestStripe:
    secret = "whsec_3d1b1c0b9f1e4c9bb3a3f0f0c6d5f4a2"

    def test_header_from_stripe_verifies(self) -> None:
        header = stripe.WebhookSignature.generate_signature_header(BODY.decode(), self.secret, timestamp=NOW)
        providers.Stripe(secret=self.secret).verify({"Stripe-Signature": header}, BODY, now=NOW)

    def test_header_from_stripe_with_a_rotated_secret(self) -> None:
        header = stripe.WebhookSignature.generate_signature_header(BODY.decode(), self.secret, timestamp=NOW)
        provider = providers.Stripe(secret=["whsec_old", self.secret])
        provider.verify({"stripe-signature": header}, BODY, now=NOW + 299)

    def test_header_from_stripe_rejects_a_tampered_body(self) -> None:
        header = stripe.WebhookSignature.generate_signature_header(BODY.decode(), self.secret, timestamp=NOW)
        with pytest.raises(SignatureMismatch):
            providers.Stripe(secret=self.secret).verify({"Stripe-Signature": header}, BODY + b" ", now=NOW)

    def test_stripe_accepts_our_vector(self) -> None:
        vector = _valid("stripe")
        header = dict(vector["headers"])["Stripe-Signature"]  # type: ignore[call-overload]
        stripe.WebhookSignature.verify_header(
            vector["body"], header, vector["options"]["secret"], tolerance=None
        )  # type: ignore[index]


class TestStandardWebhooks:
    secret = "whsec_" + base64.b64encode(b"a 24-byte secret for svx").decode()

    def test_headers_from_standardwebhooks_verify(self) -> None:
        signer = standardwebhooks.Webhook(self.secret)
        timestamp = datetime.fromtimestamp(NOW, tz=UTC)
        signature = signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp, BODY.decode())
        headers = {
            "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
            "webhook-timestamp": str(NOW),
            "webhook-signature": signature,
        }
        providers.StandardWebhooks(secret=self.secret).verify(headers, BODY, now=NOW)
        svix_headers = {k.replace("webhook-", "svix-"): v for k, v in headers.items()}
        providers.create("standard-webhooks", secret=self.secret).verify(svix_headers, BODY, now=NOW)

    def test_standardwebhooks_accepts_our_vector(self) -> None:
        vector = _valid("standard-webhooks")
        with freeze_time(datetime.fromtimestamp(NOW, tz=UTC)):
            standardwebhooks.Webhook(vector["options"]["secret"]).verify(  # type: ignore[index]
                vector["body"],
                dict(vector["headers"]),  # type: ignore[call-overload]
            )


class TestSlack:
    secret = "8f742231b10e8888abcd99yyyzzz85a5"

    def test_signature_from_slack_sdk_verifies(self) -> None:
        verifier = slack_sdk.signature.SignatureVerifier(self.secret)
        signature = verifier.generate_signature(timestamp=str(NOW), body=BODY)
        assert signature is not None
        headers = {"X-Slack-Request-Timestamp": str(NOW), "X-Slack-Signature": signature}
        providers.Slack(secret=self.secret).verify(headers, BODY, now=NOW)

    def test_slack_sdk_accepts_our_vector(self) -> None:
        vector = _valid("slack")

        class FixedClock(slack_sdk.signature.Clock):
            def now(self) -> float:
                return float(NOW)

        verifier = slack_sdk.signature.SignatureVerifier(vector["options"]["secret"], clock=FixedClock())  # type: ignore[index]
        assert verifier.is_valid_request(vector["body"], dict(vector["headers"]))  # type: ignore[arg-type, call-overload]
