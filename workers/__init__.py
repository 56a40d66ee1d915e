"""Tarjama workers: the Celery app, its thin tasks, the drafting step and the MT engines.

`celery -A workers worker` finds the app in `workers.celery`.
"""
