"""Samples and demo options for standard-webhooks (v1a) and aws-sns.

Standard Webhooks' samples are in ``_samples`` already (its payloads do not depend
on the signature kind); a ``v1a`` demo needs no entry here: sign with
``private_key="whsk_..."`` a provider configured with the matching ``whpk_`` key.

Amazon SNS: a throwaway RSA key and a self-signed certificate for it (valid
2000-2099, subject "webhook-receiver demo SNS signer (not Amazon)"), pinned in the
demo options at an SNS-shaped URL, so the demo provider never fetches anything and
:func:`webhook_receiver.testing.signed_request` signs with the demo key. The
samples follow the examples of the Amazon SNS Developer Guide ("HTTP/HTTPS
notification JSON format", "... subscription confirmation ...", "... unsubscribe
confirmation ..."); their ``Timestamp`` and ``Signature`` are replaced when signed.
"""

from __future__ import annotations

from typing import Any

from ._sample import Sample

__all__ = ["CREDENTIAL_OPTION", "DEMO_OPTIONS", "DEMO_PRIVATE_KEYS", "SAMPLES"]

SNS_DEMO_TOPIC = "arn:aws:sns:us-west-2:123456789012:MyTopic"
"""The topic the aws-sns samples come from, and the demo provider accepts."""

SNS_DEMO_CERTIFICATE_URL = (
    "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-webhook-receiver-demo.pem"
)
"""Where the demo certificate claims to live (pinned: never fetched)."""

SNS_DEMO_CERTIFICATE = (
    "-----BEGIN CERTIFICATE-----\n"
    "MIIC7TCCAdWgAwIBAgIDXn5VMA0GCSqGSIb3DQEBCwUAMDgxNjA0BgNVBAMMLXdl\n"
    "Ymhvb2stcmVjZWl2ZXIgZGVtbyBTTlMgc2lnbmVyIChub3QgQW1hem9uKTAgFw0w\n"
    "MDAxMDEwMDAwMDBaGA8yMDk5MTIzMTIzNTk1OVowODE2MDQGA1UEAwwtd2ViaG9v\n"
    "ay1yZWNlaXZlciBkZW1vIFNOUyBzaWduZXIgKG5vdCBBbWF6b24pMIIBIjANBgkq\n"
    "hkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA47c11lTuVA/3jEu2+dpflC7Han/xBJgY\n"
    "p2puEeVTKS6Q+vpycxQlv6O1aXdX5AdcmQSbJTkdQLV7iDLyiJAxy9qZu8Y8qdVQ\n"
    "iupl3SJjLfTuJdm93WPt6XtKsTwS5FLu66KRcOZZzTQMmo/ELmWTno9qMpxNm+CH\n"
    "7vA0ltfrAamBq/Yb59ZTeF+uXd7Q0XvPJMDAgDqSO2mAIufTQR4M1GIAixLAJvV1\n"
    "9PlwSHQ0JBxUE9KXLdue52/6ghX6U5ggLEUMUMsGF0AVoq1tfR41mozDgnJ8ybkp\n"
    "SbhyvpybBqeeW6Qu7ccHXjsjAvDrs+o2xqN+ZNvrUtlUiPWU9axwcQIDAQABMA0G\n"
    "CSqGSIb3DQEBCwUAA4IBAQCK9BRPQcs/lgZnLW7dugzN7NxFxh3essWSKYWmffSd\n"
    "nzqeIKuCecq3E36qsffytyYlhrDkOa7Hti4EvSoK760qiV0iPnvKoePkxI49azEe\n"
    "6ban4e0tLz2Y5EKOE2YBNfiEWaixYV//2Ffwvn+F4WRl3oXSKI264IeWG4puZjHx\n"
    "F93e7+CetVVz+5cWONCQ0vlCrDGcvn8Ez2dbywz+maVRuBftRhBrige7P7BZrNaw\n"
    "jrb7/Ky2t0dDfwrb7vs8leOV6fcAiHjWn/c0wjQuwv1zIloEs+KG0s/qaqfqlHPG\n"
    "ZMX/XMZn/rzlWUfGwrTmxcv5tP4cuOB7uyZlWpqfPjDR\n"
    "-----END CERTIFICATE-----\n"
)
"""The demo certificate (self-signed, RSA 2048). Never trust it for real."""

SNS_DEMO_PRIVATE_KEY = (
    "-----BEGIN PRIVATE KEY-----\n"
    "MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQDjtzXWVO5UD/eM\n"
    "S7b52l+ULsdqf/EEmBinam4R5VMpLpD6+nJzFCW/o7Vpd1fkB1yZBJslOR1AtXuI\n"
    "MvKIkDHL2pm7xjyp1VCK6mXdImMt9O4l2b3dY+3pe0qxPBLkUu7ropFw5lnNNAya\n"
    "j8QuZZOej2oynE2b4Ifu8DSW1+sBqYGr9hvn1lN4X65d3tDRe88kwMCAOpI7aYAi\n"
    "59NBHgzUYgCLEsAm9XX0+XBIdDQkHFQT0pct257nb/qCFfpTmCAsRQxQywYXQBWi\n"
    "rW19HjWajMOCcnzJuSlJuHK+nJsGp55bpC7txwdeOyMC8Ouz6jbGo35k2+tS2VSI\n"
    "9ZT1rHBxAgMBAAECggEARsR2L8C/PFKl/Oy+1ZEe6P9Mq/VM4r+d0dGKmXcqS/8T\n"
    "wVu527ekL5Vh2H/lSZFcHpXG3V+NjsGXvXEP3I7rWs35vthRm/oWCMXlmD6Kkgqv\n"
    "RAYSMk5O7qOJR+FCgcCgTYx9JJgBynrle9c4Aa9BnCI3v7jBibLSq9fskABUIXSF\n"
    "E+tngJfwXC65ue89CbOD4PcvUdMFdKCnZuNJPRQ8wJvxYA9hgzC0Q4lcd1r/LNc7\n"
    "2ZpQoS9yZafJwv88Ezd22ADYNlEIXsGa2N+jteMavJ/JeoLp8JOu3PBpctwR110v\n"
    "lr0OV15qW6NbI2wP5RDRHajZAyTn7KftS5X8G5jvXQKBgQD6V+H6KliKCG1ddaO/\n"
    "i9scDP7SMIjFbsC1iCZ4tws3CC7EFy8HWfHTmtga8BuhLKSKvqI9v9GP0UE5BbF6\n"
    "P9Ru8pL2WfERHEOaMBUo0felavDNauG2sd9DOddJn63zaKa2c7nplgY3uO2EG+PG\n"
    "UO9HQUS42Q1hOyuwJcDOLdh9TwKBgQDo3G/+8sE1nsQs0ycB0zO0FGnNuAdH2GKa\n"
    "kfklvlS5zsFrvRJFhScJTfr4wA/98kv5PJN0rIVE22fw7ONpgnGAItxt4oYPerDy\n"
    "BVkzUPSN87jlCBzkKlulhe1sZrJdAzycY+QfmrAikKfFWuAbJ1EvKotloSaMljQI\n"
    "xcJJPj5GPwKBgQCKc5IpvcOry09Y0dfW9q0eTV2ct3Tc5Ay2GO9V8b3FGMRsdHnw\n"
    "8eCZa9i6xTIyqDLz/MxTpENs64jL1Yc7GhQNrCB1GHcHRH9qxc7d/YmdtZApu0PL\n"
    "u4HDdzjGogYdSTJyU3xtYCheJutNFfOZ2WcMHF+6b2hD7uqRh7+jB53kZwKBgHHh\n"
    "lLg3mnwRuFk/rtz6oFeagCAGtzDQx3BWoWVvDtqMHhYFspDjTLMFOw86RtfoDnXG\n"
    "xUqTMN36+3tdLt6j18RVyD3JQc0CMNU7/mLVXbSqlCsWa6K+gHGT7QhNtT893P+S\n"
    "7rbyHN/apOIkzmMZOF/7y46ZYFPzBWGg7aKKWURbAoGBAMMZAexZRzHMYN8oH762\n"
    "6YbubH1wSpI8Ke7YzbHpA548vHm4wZ+KI/7ejH/YosPenhXX94nM9HkM4FzSXboQ\n"
    "Mkyq3u/QGgFodtelhZNAYzLJZ7xik9s6S+KpNERiWlIRN66VZjljdAfYhSHakuP1\n"
    "iZwwLEuDOlBp4MoM708U5QGX\n"
    "-----END PRIVATE KEY-----\n"
)
"""The demo certificate's private key. Never use it for real."""

_SNS_PLACEHOLDER_SIGNATURE = (
    "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10"
    "Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q="
)
_SNS_SUBSCRIBE_URL = (
    "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=" + SNS_DEMO_TOPIC + "&Token="
)
_SNS_TOKEN = (
    "2336412f37fb687f5d51e6e241d08e8a2d0ed8d2e1b88f1be0f2c1e45dcd0f3ab13b1d5f8fcfa1c0e3a6bc7e9d6e53b1c2f3"
    "7a9f8c54e2a0b3d61c7a64d0f45ba3e7f2c8d2f3b8a9d7e6c5b4a39281706f5e4d3c2b1a0f9e8d7c6b5a4938271605f4e3d"
)
_SNS_UNSUBSCRIBE_URL = (
    "https://sns.us-west-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn="
    + SNS_DEMO_TOPIC
    + ":c9135db0-26c4-47ec-8998-413945fb5a96"
)


def _sns_headers(kind: str, message_id: str, subscription: bool = False) -> dict[str, str]:
    headers = {
        "x-amz-sns-message-type": kind,
        "x-amz-sns-message-id": message_id,
        "x-amz-sns-topic-arn": SNS_DEMO_TOPIC,
        "Content-Type": "text/plain; charset=UTF-8",
        "User-Agent": "Amazon Simple Notification Service Agent",
    }
    if subscription:
        headers["x-amz-sns-subscription-arn"] = SNS_DEMO_TOPIC + ":c9135db0-26c4-47ec-8998-413945fb5a96"
    return headers


SAMPLES: list[Sample] = [
    Sample(
        "aws-sns",
        "Notification",
        {
            "Type": "Notification",
            "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
            "TopicArn": SNS_DEMO_TOPIC,
            "Subject": "My First Message",
            "Message": "Hello world!",
            "Timestamp": "2012-05-02T00:54:06.655Z",
            "SignatureVersion": "1",
            "Signature": _SNS_PLACEHOLDER_SIGNATURE,
            "SigningCertURL": SNS_DEMO_CERTIFICATE_URL,
            "UnsubscribeURL": _SNS_UNSUBSCRIBE_URL,
            "MessageAttributes": {
                "store": {"Type": "String", "Value": "example_corp"},
                "price_usd": {"Type": "Number", "Value": "210.75"},
            },
        },
        _sns_headers("Notification", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", subscription=True),
    ),
    Sample(
        "aws-sns",
        "SubscriptionConfirmation",
        {
            "Type": "SubscriptionConfirmation",
            "MessageId": "165545c9-2a5c-472c-8df2-7ff2be2b3b1b",
            "Token": _SNS_TOKEN,
            "TopicArn": SNS_DEMO_TOPIC,
            "Message": "You have chosen to subscribe to the topic " + SNS_DEMO_TOPIC + ".\n"
            "To confirm the subscription, visit the SubscribeURL included in this message.",
            "SubscribeURL": _SNS_SUBSCRIBE_URL + _SNS_TOKEN,
            "Timestamp": "2012-04-26T20:45:04.751Z",
            "SignatureVersion": "1",
            "Signature": _SNS_PLACEHOLDER_SIGNATURE,
            "SigningCertURL": SNS_DEMO_CERTIFICATE_URL,
        },
        _sns_headers("SubscriptionConfirmation", "165545c9-2a5c-472c-8df2-7ff2be2b3b1b"),
    ),
    Sample(
        "aws-sns",
        "UnsubscribeConfirmation",
        {
            "Type": "UnsubscribeConfirmation",
            "MessageId": "47138184-6831-46b8-8f7c-afc488602d7d",
            "Token": _SNS_TOKEN,
            "TopicArn": SNS_DEMO_TOPIC,
            "Message": "You have chosen to deactivate subscription "
            + SNS_DEMO_TOPIC
            + ":2bcfbf39-05c3-41de-beaa-fcfcc21c8f55.\n"
            "To cancel this operation and restore the subscription, visit the SubscribeURL included in this "
            "message.",
            "SubscribeURL": _SNS_SUBSCRIBE_URL + _SNS_TOKEN,
            "Timestamp": "2012-04-26T20:06:41.581Z",
            "SignatureVersion": "1",
            "Signature": _SNS_PLACEHOLDER_SIGNATURE,
            "SigningCertURL": SNS_DEMO_CERTIFICATE_URL,
        },
        _sns_headers("UnsubscribeConfirmation", "47138184-6831-46b8-8f7c-afc488602d7d"),
    ),
]
"""Realistic, complete sample events, one per documented event type."""

DEMO_OPTIONS: dict[str, dict[str, Any]] = {
    "aws-sns": {
        "topic_arn": SNS_DEMO_TOPIC,
        "certificates": {SNS_DEMO_CERTIFICATE_URL: SNS_DEMO_CERTIFICATE},
    },
}
"""Throwaway options per provider (see ``testing.DEMO_OPTIONS``). Never use them for real."""

DEMO_PRIVATE_KEYS: dict[str, str] = {"aws-sns": SNS_DEMO_PRIVATE_KEY}
"""The private half of each public-key provider's demo key pair (see ``testing.DEMO_PRIVATE_KEYS``)."""

CREDENTIAL_OPTION: dict[str, str] = {"aws-sns": "topic_arn"}
"""The option ``secret=`` stands for, per provider (see ``testing.CREDENTIAL_OPTION``): for
aws-sns, which has no shared secret, the topic it accepts."""
