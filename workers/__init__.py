"""Celery: the app built from Settings (`celery_app`), the beat schedule (`schedule`) and the tasks
(`tasks`), each a thin wrapper of a service function."""
