"""A minimal Django project receiving Courier, Kourier and Customer.io webhooks."""
