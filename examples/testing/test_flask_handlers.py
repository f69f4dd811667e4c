from flask import Flask

from webhook_receiver import Event, Receiver, providers
from webhook_receiver.adapters.flask import ALL_METHODS, webhook

github = Receiver(providers.create("github", secret="github_test"))
app = Flask(__name__)
opened: list[str] = []


@app.route("/hooks/github", methods=ALL_METHODS)
@webhook(github)
def github_hook(events: list[Event]) -> None:  # None: answer with the receiver's 200
    opened.extend(event.payload["issue"]["title"] for event in events if event.type == "issues")


def test_issue_opened(post_webhook):
    # The sample carries GitHub's X-GitHub-Event header; the receiver signs with its own secret.
    response = post_webhook(app.test_client(), "/hooks/github", github, "issues")
    assert response.status_code == 200
    assert opened[-1] == "Gnome in the attic"


def test_a_wrong_signature_is_refused(post_webhook):
    forged = {"X-Hub-Signature-256": "sha256=" + "0" * 64}
    response = post_webhook(app.test_client(), "/hooks/github", github, "issues", headers=forged)
    assert response.status_code == 401
    assert response.json == {"error": "signature_mismatch"}
