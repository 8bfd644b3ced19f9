from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "cryoneuro.web"
    verbose_name = "Web"
