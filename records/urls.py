from records.retention.urls import urlpatterns as retention_urlpatterns

app_name = "records"

urlpatterns: list = [*retention_urlpatterns]
