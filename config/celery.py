import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("kankakee_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# config is an app labelled "portal"; make sure its own tasks module is registered.
app.autodiscover_tasks(["config"])
