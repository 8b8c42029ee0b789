"""What the Huey consumer is started with: `huey_consumer tracker.reports.consumer.huey`. It gives the
tasks the application factory, so that tracker/reports/tasks.py (imported by the application
through the reports' views) never imports the application itself: no import cycle."""

from tracker import create_app
from tracker.reports.tasks import huey, set_app_factory

set_app_factory(create_app)

__all__ = ["huey"]
