from fastapi import FastAPI
from fastapi.testclient import TestClient

from webhook_receiver import Receiver, providers
from webhook_receiver.adapters.asgi import WebhookMiddleware

paid: list[str] = []


def create_app(clock=None) -> FastAPI:  # your app factory: the tests hand the provider their clock
    stripe = Receiver(providers.create("stripe", secret="whsec_test", clock=clock))
    stripe.on("invoice.paid")(lambda event: paid.append(event.id))
    app = FastAPI()
    app.add_middleware(WebhookMiddleware, routes={"/hooks/stripe": stripe})
    return app


def test_invoice_paid(post_webhook, webhook_clock):
    client = TestClient(create_app(clock=webhook_clock))
    response = post_webhook(client, "/hooks/stripe", "stripe", "invoice.paid", secret="whsec_test")
    assert response.status_code == 200
    assert paid[-1] == "evt_1NG8Du2eZvKYlo2CUI79vXWy"


def test_a_signature_older_than_five_minutes_is_refused(webhook_signer, webhook_clock):
    client = TestClient(create_app(clock=webhook_clock))
    headers, body = webhook_signer.request("stripe", "invoice.paid", secret="whsec_test")
    webhook_clock.advance(301)  # the provider's clock moves; the signature stays where it was
    response = client.post("/hooks/stripe", content=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "timestamp_outside_tolerance"}
