"""Small example-style apps for the real-server tests of ``tests/adapters``.

Every app exists twice: *bare* (the application alone, with its own route at the
protected path that answers ``REACHED_STATUS``) and *protected* (the same application
behind the webhook layer under test). The route tests ask the bare one which
spellings of the path reach that route, and the protected one who answers them.
"""
