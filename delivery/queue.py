"""The Huey queue: one instance that holds no connection until `init_app` configures it.

Tasks (delivery/tasks.py) register on `huey` when imported, as Huey's decorators need; the instance
reaches no broker and writes no file until `create_app` calls `init_app`, which points it at Redis
(REDIS_URL set), at SQLite under instance/ (the embedded default) or, in tests, at immediate
in-memory execution, and binds the app whose context the tasks run in. The consumer's entry point
(delivery/worker.py) builds that app, so a consumer always runs on the settings the web app reads.

There is one queue per process, as Huey's task decorators need one instance: a web process or a
consumer builds one app, and the app built last configures the queue (a test that builds a second
app with other queue settings gets that app's queue until the next one is built).
"""
from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import Flask, has_app_context
from huey import Huey
from huey.api import TaskWrapper
from huey.storage import BlackHoleStorage, RedisStorage, SqliteStorage

from delivery import logs


class NotConfigured(BlackHoleStorage):
    """The storage before `init_app`: queueing then is a mistake, said at once rather than lost."""

    def enqueue(self, data, priority=None):
        raise RuntimeError("the task queue is not configured: create_app() configures it")


def task_name(task_class: type) -> str:
    """A task's name as its runs are recorded: `module.function` (e.g. delivery.tasks.render_check)."""
    return f"{task_class.__module__}.{task_class.__name__}"


class _IndexedTaskWrapper(TaskWrapper):
    def __init__(self, huey: Queue, func, *args, **kwargs):
        super().__init__(huey, func, *args, **kwargs)
        huey.tasks[task_name(self.task_class)] = self


class Queue(Huey):
    """Huey, knowing its tasks by name (`tasks`), so a failed run can be queued again by its name."""

    def __init__(self, name: str):
        self.tasks: dict[str, TaskWrapper] = {}
        self.app: Flask | None = None
        super().__init__(name, storage_class=NotConfigured)

    def get_task_wrapper_class(self):
        return _IndexedTaskWrapper


huey = Queue("delivery")


def init_app(app: Flask, settings: dict[str, Any]) -> Queue:
    """Point the queue at Redis or SQLite from the settings (immediate mode runs tasks in-process)
    and run its tasks in `app` when no app context is current (the consumer's case)."""
    huey.name = settings["HUEY_NAME"]
    if settings["REDIS_URL"]:
        huey.storage_class = RedisStorage
        huey.storage_kwargs = {"url": settings["REDIS_URL"]}
    else:
        huey.storage_class = SqliteStorage
        huey.storage_kwargs = {"filename": settings["HUEY_SQLITE_PATH"]}
    # Setting `immediate` recreates the storage only when the flag changes: recreate it in any case.
    huey.immediate = bool(settings["HUEY_IMMEDIATE"])
    huey.storage = huey.create_storage()
    huey.app = app
    logs.configure_consumer(huey, settings)  # the consumer logs like the web app
    return huey


def app_context():
    """An app context for a task: the caller's in immediate mode, else the configured app's."""
    if has_app_context():
        return nullcontext()
    if huey.app is None:
        raise RuntimeError("the task queue is not configured: create_app() configures it")
    return huey.app.app_context()
