from webhook_receiver import Receiver, providers
from webhook_receiver.providers import courier


def make_receiver(clock) -> Receiver:
    return Receiver(providers.create("courier", secret="courier_test", clock=clock))


def test_message_delivered(webhook_signer, webhook_clock):
    receiver = make_receiver(webhook_clock)
    seen: list[courier.MessageUpdated] = []
    receiver.on(courier.MessageUpdated)(seen.append)
    headers, body = webhook_signer.request(receiver, "message:updated")
    assert receiver.handle("POST", headers, body).status == 200
    assert seen[0].message.status is courier.MessageStatus.DELIVERED


def test_signatures_are_good_for_five_minutes(webhook_signer, webhook_clock):
    receiver = make_receiver(webhook_clock)
    headers, body = webhook_signer.request(receiver, "message:updated")
    webhook_clock.advance(300)
    assert receiver.handle("POST", headers, body).status == 200
    webhook_clock.advance(1)
    assert receiver.handle("POST", headers, body).status == 401
