from django.urls import path

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.adapters.django import WebhookView

# Usually your project's hooks.py and urls.py (ROOT_URLCONF names this module here).
# This receiver reads the real clock; webhook_clock starts at the real time, so it agrees.
stripe = Receiver(providers.create("stripe", secret="whsec_test"))
paid: list[str] = []
urlpatterns = [path("hooks/stripe/", WebhookView.as_view(receiver=stripe))]


@stripe.on("invoice.paid")
def invoice_paid(event: Event) -> None:
    paid.append(event.id)


def test_invoice_paid(client, post_webhook):  # client: pytest-django's django.test.Client
    response = post_webhook(client, "/hooks/stripe/", stripe, "invoice.paid")
    assert response.status_code == 200
    assert paid[-1] == "evt_1NG8Du2eZvKYlo2CUI79vXWy"


def test_a_ten_minute_old_signature_is_refused(client, post_webhook, webhook_clock):
    response = post_webhook(client, "/hooks/stripe/", stripe, "invoice.paid", timestamp=webhook_clock() - 600)
    assert response.status_code == 401
