"""The notification centre: who is told what (kinds.py), the inbox every user reads (inbox.py) and
the e-mails some kinds also send, at once or in a daily digest (mail.py). Framework-free."""
