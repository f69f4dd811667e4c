"""A Django project with the webhooks app and its admin, served by gunicorn in the browser test.

Its database is the SQLite file ``WR_ADMIN_DATABASE`` names (the test's ``tmp_path``);
``urls`` also serves the admin's own pages in ``test_django_db.py``.
"""
