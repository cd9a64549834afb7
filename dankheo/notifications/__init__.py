"""Notifications: events reach the people concerned in the app (the bell, the
notifications page) and by e-mail (the outbox, sent by the background worker), with
per-person preferences per kind; periodic jobs send deadline reminders and digests."""
